import { Logger } from '@nestjs/common';
import { AlertMessage, OperatorAlerts } from './operator-alerts.port';

/** Without SLACK_WEBHOOK_URL, alerts are written to the log at error level, where log-based alerting can find them. */
export class LogAlerts implements OperatorAlerts {
  readonly destination = 'log';
  private readonly logger = new Logger('OperatorAlert');

  async send(message: AlertMessage): Promise<void> {
    this.logger.error({ msg: message.text, alert: message.blocks });
  }
}
