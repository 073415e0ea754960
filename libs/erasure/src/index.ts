export * from './erasure.view';
export * from './erasures.service';
export * from './customer-erasure.service';
export * from './erasure-job.handler';
export * from './event-detail-redaction';
export * from './stored-answer-redaction';
export * from './erasure.module';
