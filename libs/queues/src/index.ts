export * from './queue-names';
export * from './queue-prefix';
export * from './retry-policy';
export * from './notification-jobs.service';
export * from './queues.module';
export * from './dead-letters.service';
export * from './export-jobs.service';
export * from './backoff-strategy';
