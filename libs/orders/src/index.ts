export * from './order.view';
export * from './orders.service';
export * from './orders.module';
