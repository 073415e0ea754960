export * from './admin-credentials';
export * from './admin-access.service';
export * from './admin-access.module';
