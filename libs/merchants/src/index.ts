export * from './api-key';
export * from './api-key-cache';
export * from './api-keys.service';
export * from './merchant-settings';
export * from './retention-setting';
export * from './merchant.view';
export * from './merchants.service';
export * from './merchants.module';
