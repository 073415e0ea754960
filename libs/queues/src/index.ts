export * from './queue-names';
export * from './redis-connection';
export * from './retry-policy';
export * from './notification-jobs.service';
export * from './queues.module';
export * from './dead-letters.service';
export * from './backoff-strategy';
export * from './webhook-jobs.service';
