export * from './channel.port';
export * from './provider.error';
export * from './masking';
export * from './log.channel';
export * from './twilio-sms.channel';
export * from './vonage-sms.channel';
export * from './sendgrid-email.channel';
export * from './channels.module';
