export * from './redis-clients';
export * from './redis.module';
