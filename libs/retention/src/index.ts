export * from './retention.metrics';
export * from './retention-tick.service';
export * from './retention-purge.service';
export * from './retention-job.handler';
export * from './retention.module';
