export * from './api-key';
export * from './merchants.service';
export * from './merchants.module';
