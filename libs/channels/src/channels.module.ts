import { Module } from '@nestjs/common';
import { HeraldConfig, heraldConfig } from '@herald/config';
import { EMAIL_CHANNEL, EmailChannelAdapter, SMS_CHANNEL, TEST_CHANNELS, TestChannels } from './channel.port';
import { LogChannel } from './log.channel';
import { SendGridEmailChannel } from './sendgrid-email.channel';
import { TwilioSmsChannel } from './twilio-sms.channel';

export const TWILIO_STATUS_CALLBACK_PATH = '/webhooks/twilio/status';

/**
 * Each provider's SDK is created here once, from validated config; unset accounts fall back to the log driver. Test
 * notifications always go to the log driver: no provider is ever called for them.
 */
@Module({
  providers: [
    {
      provide: SMS_CHANNEL,
      inject: [heraldConfig.KEY],
      useFactory: (config: HeraldConfig) =>
        config.twilio
          ? new TwilioSmsChannel(
              config.twilio,
              `${config.publicUrl}${TWILIO_STATUS_CALLBACK_PATH}`,
              config.providerTimeoutMs,
              // Every send a worker may have in flight gets its own connection (the SDK's default allows 20).
              config.worker.criticalConcurrency + config.worker.bulkConcurrency,
            )
          : new LogChannel('sms'),
    },
    {
      provide: EMAIL_CHANNEL,
      inject: [heraldConfig.KEY],
      useFactory: (config: HeraldConfig): EmailChannelAdapter =>
        config.sendgrid ? new SendGridEmailChannel(config.sendgrid, config.providerTimeoutMs) : new LogChannel('email'),
    },
    {
      provide: TEST_CHANNELS,
      useFactory: (): TestChannels => ({ sms: new LogChannel('sms', 'test'), email: new LogChannel('email', 'test') }),
    },
  ],
  exports: [SMS_CHANNEL, EMAIL_CHANNEL, TEST_CHANNELS],
})
export class ChannelsModule {}
