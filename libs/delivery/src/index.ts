export * from './delivery.errors';
export * from './delivery.service';
export * from './send-job.handler';
export * from './dead-letter.handler';
export * from './delivery.module';
