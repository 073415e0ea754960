export * from './operator.views';
export * from './operators.service';
export * from './operators.module';
