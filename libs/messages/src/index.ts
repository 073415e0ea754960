export * from './template-kinds';
export * from './template-engine';
export * from './message-variables';
export * from './built-in-texts';
export * from './message-templates';
export * from './sms-size';
export * from './message-limits';
