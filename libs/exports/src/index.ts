export * from './export-calendar';
export * from './export-file';
export * from './export.views';
export * from './exports.service';
export * from './export-runner.service';
export * from './export-tick.service';
export * from './export-job.handler';
export * from './exports.module';
