export * from './customer.view';
export * from './customers.service';
export * from './customers.module';
export * from './fallback.service';
export * from './platform-sender';
export * from './reachable-channel';
