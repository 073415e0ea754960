import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, Request, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import { closeOnSignals, runProcess } from '@herald/runtime';
import { mountAdminQueues } from './admin-queues';
import { ApiModule } from './api.module';
import { refuseCrossSiteChanges } from './http/cross-site.middleware';
import { acceptOnlyJsonBodies } from './http/json-bodies.middleware';
import { setupOpenApi } from './http/openapi';
import { recordRequestMetrics } from './http/request-metrics.middleware';
import { securityHeaders } from './http/security-headers';

const WEBHOOKS_PATH = '/webhooks/';
const SENDGRID_EVENTS_PATH = '/webhooks/sendgrid/events';
const TWILIO_WEBHOOKS_PATH = '/webhooks/twilio';

void runProcess('api', async (config) => {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bufferLogs: true, bodyParser: false, rawBody: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // First, so every answer is counted with the status it left with, whoever gave it.
  app.use(recordRequestMetrics);
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use('/admin', refuseCrossSiteChanges(config.publicUrl));
  app.use(acceptOnlyJsonBodies(WEBHOOKS_PATH));
  // SendGrid posts event batches of up to about 768 KB; every other route keeps BODY_LIMIT. The raw bytes are kept
  // because the signature covers them.
  app.use(SENDGRID_EVENTS_PATH, json({ limit: '2mb', verify: (request: Request & { rawBody?: Buffer }, _response, buffer) => (request.rawBody = buffer) }));
  app.use(TWILIO_WEBHOOKS_PATH, urlencoded({ limit: config.bodyLimit, extended: false }));
  app.useBodyParser('json', { limit: config.bodyLimit });
  // Whose X-Forwarded-For / X-Forwarded-Proto to believe (TRUST_PROXY): the client address the admin rate limit and
  // the count of wrong admin credentials go by.
  app.set('trust proxy', config.trustProxy);
  closeOnSignals(app);
  mountAdminQueues(app);

  setupOpenApi(app, config.publicUrl);

  await app.listen(config.port, '0.0.0.0');
  if (!config.admin) logger.warn('ADMIN_USER/ADMIN_PASSWORD are not set: /admin is open (allowed outside production only)');
  if (config.secretKeyIsDevelopmentDefault) logger.warn('SECRET_KEY is not set: event cursors, stream tokens and webhook secrets use the development key');
  const metrics = config.metrics.port === null ? '/metrics' : `:${config.metrics.port}/metrics`;
  logger.log(`Herald API listening on ${config.publicUrl} (docs at /docs, queues at /admin/queues, metrics at ${metrics})`);
});
