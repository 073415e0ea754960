export * from './logging.module';
export * from './metrics';
export * from './delivery-metrics';
export * from './monitoring.server';
export * from './readiness.service';
