export * from './sms-provider-health.repository';
export * from './routed-sms.channel';
export * from './sms-routing.module';
export * from './breaker-change.alert';
