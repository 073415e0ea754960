import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { closeOnSignals, runProcess } from '@herald/runtime';
import { WorkerModule } from './worker.module';

void runProcess('worker', async (config) => {
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // SIGTERM/SIGINT close the workers, which wait for in-flight jobs to finish before the process exits.
  closeOnSignals(app);
  await app.init();
  if (config.secretKeyIsDevelopmentDefault) logger.warn('SECRET_KEY is not set: webhook secrets and event ids use the development key');
  logger.log(
    `Herald worker up: critical concurrency ${config.worker.criticalConcurrency}, bulk concurrency ${config.worker.bulkConcurrency}`,
  );
});
