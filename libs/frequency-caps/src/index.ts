export * from './frequency-caps.service';
export * from './frequency-caps.module';
