export * from './api-key';
export * from './merchant-settings';
export * from './merchant.view';
export * from './merchants.service';
export * from './merchants.module';
