export * from './preflight';
export * from './run-process';
export * from './process-id';
