import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { AlertsModule, OPERATOR_ALERTS, OperatorAlerts } from '@herald/alerts';
import { HeraldConfig, heraldConfig } from '@herald/config';
import { ChannelAdapter, ChannelsModule, LogChannel, SMS_CHANNEL, SMS_PROVIDER_CHANNELS } from '@herald/channels';
import { registerReadinessDetail, registerSmsProviderHealth, SmsProviderHealthView } from '@herald/observability';
import { RedisModule } from '@herald/redis';
import { describeBreakerChange } from './breaker-change.alert';
import { currentWeight, RoutedSmsChannel } from './routed-sms.channel';
import { SmsProviderHealth } from './sms-provider-health.repository';

/** What the SMS providers' health looks like to an operator, for /metrics and /health/ready. */
export async function smsProviderViews(config: HeraldConfig, health: SmsProviderHealth): Promise<SmsProviderHealthView[]> {
  const states = await health.read(config.smsProviders.map((p) => p.provider));
  return config.smsProviders.map(({ provider, weight }) => {
    const state = states.get(provider)!;
    return {
      provider,
      weight: currentWeight({ channel: null as never, weight }, state),
      breaker: state.breaker,
      errorRate: Math.round(state.errorRate * 1000) / 1000,
      latencySeconds: Math.round(state.latencyMs) / 1000,
    };
  });
}

/**
 * The SMS channel the worker sends through: the one provider configured as it is (or the log driver), or, with two or
 * more in SMS_PROVIDERS, the router over them, with their health shared in Redis, shown in /metrics and in
 * /health/ready's details (never its status).
 */
@Module({
  imports: [ChannelsModule, RedisModule, AlertsModule],
  providers: [
    SmsProviderHealth,
    {
      provide: SMS_CHANNEL,
      inject: [heraldConfig.KEY, SMS_PROVIDER_CHANNELS, SmsProviderHealth, OPERATOR_ALERTS],
      useFactory: (config: HeraldConfig, channels: ChannelAdapter[], health: SmsProviderHealth, alerts: OperatorAlerts): ChannelAdapter => {
        if (channels.length < 2) return channels[0] ?? new LogChannel('sms');
        const names = channels.map((c) => c.provider);
        const tellOperators = (provider: string, change: 'opened' | 'closed') => {
          const others = names.filter((name) => name !== provider);
          alerts.send(describeBreakerChange(provider, change, others)).catch((error: Error) => {
            new Logger(SmsRoutingModule.name).warn({ msg: 'could not tell operators of an SMS provider breaker change', provider, change, error: error.message });
          });
        };
        return new RoutedSmsChannel(
          channels.map((channel, i) => ({ channel, weight: config.smsProviders[i].weight })),
          health,
          Math.random,
          tellOperators,
        );
      },
    },
  ],
  exports: [SMS_CHANNEL, SmsProviderHealth],
})
export class SmsRoutingModule implements OnModuleInit {
  constructor(
    private readonly health: SmsProviderHealth,
    @Inject(heraldConfig.KEY) private readonly config: HeraldConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.smsProviders.length < 2) return;
    registerSmsProviderHealth(() => smsProviderViews(this.config, this.health));
    registerReadinessDetail('smsProviders', async () => ({ providers: await smsProviderViews(this.config, this.health) }));
  }
}
