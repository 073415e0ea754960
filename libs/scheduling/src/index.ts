export * from './local-time';
export * from './quiet-hours';
export * from './reminder-policy';
export * from './send-plan';
export * from './time-zones';
export * from './cap-windows';
