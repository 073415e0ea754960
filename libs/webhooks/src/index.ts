export * from './webhook-secrets';
export * from './webhook-endpoints.service';
export * from './webhook-dispatcher';
export * from './webhook-delivery.handler';
export * from './webhook-dead-letter.handler';
export * from './webhooks.module';
