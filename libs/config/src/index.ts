export * from './environment';
export * from './config.module';
