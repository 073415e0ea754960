export * from './entities';
export * from './data-source';
export * from './migrator';
export * from './persistence.module';
export * from './repositories/idempotency.repository';
export * from './repositories/merchant.repository';
export * from './repositories/notification.repository';
export * from './repositories/order.repository';
