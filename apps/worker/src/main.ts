import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { closeOnSignals, runProcess } from '@herald/runtime';
import { MonitoringEndpoint } from './monitoring.endpoint';
import { WorkerModule } from './worker.module';

void runProcess('worker', async (config) => {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // SIGTERM/SIGINT close the workers, which wait for in-flight jobs to finish before the process exits.
  closeOnSignals(app);
  await app.init();
  logger.log(
    `Herald worker up: critical concurrency ${config.worker.criticalConcurrency}, bulk concurrency ${config.worker.bulkConcurrency}, ` +
      `metrics and health on port ${app.get(MonitoringEndpoint).port}`,
  );
});
