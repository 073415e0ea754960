export * from './operator-alerts.port';
export * from './dead-letter-alerts.service';
export * from './alerts.module';
