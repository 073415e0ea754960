import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ChannelAdapter, EMAIL_CHANNEL, SMS_CHANNEL } from '@herald/channels';
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
  if (config.secretKeyIsDevelopmentDefault) logger.warn('SECRET_KEY is not set: webhook secrets and event ids use the development key');
  const driver = (channel: symbol) => app.get<ChannelAdapter>(channel, { strict: false }).provider;
  const sms = config.smsProviders.length > 1 ? config.smsProviders.map((p) => `${p.provider}:${p.weight}`).join(',') : driver(SMS_CHANNEL);
  logger.log(
    `Herald worker up: sms via ${sms}, email via ${driver(EMAIL_CHANNEL)}; ` +
      `critical concurrency ${config.worker.criticalConcurrency}, bulk concurrency ${config.worker.bulkConcurrency}, ` +
      `campaigns at ${config.campaignRates.sms} SMS/s and ${config.campaignRates.email} emails/s, ` +
      `metrics and health on port ${app.get(MonitoringEndpoint).port}`,
  );
});
