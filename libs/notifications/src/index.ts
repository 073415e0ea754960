export * from './lifecycle';
export * from './notification.view';
export * from './page-cursor';
export * from './notifications.service';
export * from './notifications.module';
export * from './redrive.service';
export * from './pending-work.reconciler';
