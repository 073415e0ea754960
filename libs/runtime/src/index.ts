export * from './preflight';
export * from './run-process';
