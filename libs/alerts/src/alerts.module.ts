import { Module } from '@nestjs/common';
import { HeraldConfig, heraldConfig } from '@herald/config';
import { DeadLetterAlerts } from './dead-letter-alerts.service';
import { LogAlerts } from './log.alerts';
import { OPERATOR_ALERTS } from './operator-alerts.port';
import { SlackWebhookAlerts } from './slack-webhook.alerts';

@Module({
  providers: [
    {
      provide: OPERATOR_ALERTS,
      inject: [heraldConfig.KEY],
      useFactory: (config: HeraldConfig) => (config.slackWebhookUrl ? new SlackWebhookAlerts(config.slackWebhookUrl) : new LogAlerts()),
    },
    DeadLetterAlerts,
  ],
  exports: [DeadLetterAlerts, OPERATOR_ALERTS],
})
export class AlertsModule {}
