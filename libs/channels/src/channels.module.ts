import { Module } from '@nestjs/common';
import { HeraldConfig, heraldConfig } from '@herald/config';
import { ChannelAdapter, EMAIL_CHANNEL, EmailChannelAdapter, TEST_CHANNELS, TestChannels, WHATSAPP_CHANNEL } from './channel.port';
import { LogChannel } from './log.channel';
import { SendGridEmailChannel } from './sendgrid-email.channel';
import { TwilioSmsChannel } from './twilio-sms.channel';
import { TwilioWhatsAppChannel } from './twilio-whatsapp.channel';
import { VonageSmsChannel } from './vonage-sms.channel';

export const TWILIO_STATUS_CALLBACK_PATH = '/webhooks/twilio/status';
export const VONAGE_STATUS_CALLBACK_PATH = '/webhooks/vonage/status';

/** Every SMS provider SMS_PROVIDERS names, built once from validated config, in SMS_PROVIDERS' order. */
export const SMS_PROVIDER_CHANNELS = Symbol('SMS_PROVIDER_CHANNELS');

/** Every send a worker may have in flight gets its own connection (Twilio's SDK's default allows 20). */
const maxConnectionsOf = (config: HeraldConfig) => config.worker.criticalConcurrency + config.worker.bulkConcurrency;

function smsProviderChannels(config: HeraldConfig): ChannelAdapter[] {
  const maxConnections = maxConnectionsOf(config);
  return config.smsProviders.map(({ provider }) => {
    if (provider === 'twilio') {
      return new TwilioSmsChannel(config.twilio!, `${config.publicUrl}${TWILIO_STATUS_CALLBACK_PATH}`, config.providerTimeoutMs, maxConnections);
    }
    return new VonageSmsChannel(config.vonage!, `${config.publicUrl}${VONAGE_STATUS_CALLBACK_PATH}`, config.providerTimeoutMs);
  });
}

/**
 * Each provider's SDK is created here once, from validated config; unset accounts fall back to the log driver, and so
 * does WhatsApp without TWILIO_WHATSAPP_FROM (the SMS channel itself, one provider or a router over several, is
 * libs/sms-routing's SMS_CHANNEL). Test notifications always go to the log driver: no provider is ever called for them.
 */
@Module({
  providers: [
    { provide: SMS_PROVIDER_CHANNELS, inject: [heraldConfig.KEY], useFactory: smsProviderChannels },
    {
      provide: EMAIL_CHANNEL,
      inject: [heraldConfig.KEY],
      useFactory: (config: HeraldConfig): EmailChannelAdapter =>
        config.sendgrid ? new SendGridEmailChannel(config.sendgrid, config.providerTimeoutMs) : new LogChannel('email'),
    },
    {
      provide: WHATSAPP_CHANNEL,
      inject: [heraldConfig.KEY],
      useFactory: (config: HeraldConfig): ChannelAdapter =>
        config.twilio && config.whatsapp
          ? new TwilioWhatsAppChannel(config.twilio, config.whatsapp.from, `${config.publicUrl}${TWILIO_STATUS_CALLBACK_PATH}`, config.providerTimeoutMs, maxConnectionsOf(config))
          : new LogChannel('whatsapp'),
    },
    {
      provide: TEST_CHANNELS,
      useFactory: (): TestChannels => ({ sms: new LogChannel('sms', 'test'), email: new LogChannel('email', 'test'), whatsapp: new LogChannel('whatsapp', 'test') }),
    },
  ],
  exports: [SMS_PROVIDER_CHANNELS, EMAIL_CHANNEL, WHATSAPP_CHANNEL, TEST_CHANNELS],
})
export class ChannelsModule {}
