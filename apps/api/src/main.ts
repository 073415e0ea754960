import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, NextFunction, Request, Response, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import { closeOnSignals, runProcess } from '@herald/runtime';
import { mountAdminQueues } from './admin-queues';
import { ApiModule } from './api.module';
import { mountConsole } from './console-static';
import { refuseDeepBodies } from './http/body-depth.middleware';
import { explainUndecodableBodies } from './http/content-encoding.middleware';
import { refuseCrossSiteChanges } from './http/cross-site.middleware';
import { acceptOnlyJsonBodies } from './http/json-bodies.middleware';
import { setupOpenApi } from './http/openapi';
import { recordRequestMetrics } from './http/request-metrics.middleware';
import { securityHeaders } from './http/security-headers';

const WEBHOOKS_PATH = '/webhooks/';
const SENDGRID_EVENTS_PATH = '/webhooks/sendgrid/events';
const TWILIO_WEBHOOKS_PATH = '/webhooks/twilio';
/** Vonage posts its webhooks as JSON or as a form, as the account is set. */
const VONAGE_WEBHOOKS_PATH = '/webhooks/vonage';
const CAMPAIGNS_PATH = '/v1/campaigns';
/** The largest documented audience, 10,000 customerIds, is about 390 KB of JSON (430 KB pretty-printed). */
const CAMPAIGN_BODY_LIMIT = '1mb';

/** Every parser keeps the bytes it read: provider signatures cover them, and the Idempotency-Key fingerprint hashes them. */
const keepRawBody = (request: Request & { rawBody?: Buffer }, _response: unknown, buffer: Buffer) => {
  request.rawBody = buffer;
};

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
  // SendGrid posts event batches of up to about 768 KB and a campaign may list 10,000 customers; every other route
  // keeps BODY_LIMIT.
  app.use(SENDGRID_EVENTS_PATH, json({ limit: '2mb', verify: keepRawBody }));
  const campaignJson = json({ limit: CAMPAIGN_BODY_LIMIT, verify: keepRawBody });
  app.use(CAMPAIGNS_PATH, (request: Request, response: Response, next: NextFunction) =>
    request.method === 'POST' && request.path === '/' ? campaignJson(request, response, next) : next(),
  );
  app.use(TWILIO_WEBHOOKS_PATH, urlencoded({ limit: config.bodyLimit, extended: false, verify: keepRawBody }));
  app.use(VONAGE_WEBHOOKS_PATH, urlencoded({ limit: config.bodyLimit, extended: false, verify: keepRawBody }));
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.use(explainUndecodableBodies());
  app.use(refuseDeepBodies());
  // Whose X-Forwarded-For / X-Forwarded-Proto to believe (TRUST_PROXY): the client address the admin rate limit and
  // the count of wrong admin credentials go by.
  app.set('trust proxy', config.trustProxy);
  closeOnSignals(app);
  mountAdminQueues(app);
  mountConsole(app);

  setupOpenApi(app, config.publicUrl);

  await app.listen(config.port, '0.0.0.0');
  if (!config.admin) logger.warn('ADMIN_USER/ADMIN_PASSWORD are not set: /admin is open (allowed outside production only)');
  if (config.secretKeyIsDevelopmentDefault) logger.warn('SECRET_KEY is not set: event cursors, stream tokens and webhook secrets use the development key');
  const metrics = config.metrics.port === null ? '/metrics' : `:${config.metrics.port}/metrics`;
  logger.log(`Herald API listening on ${config.publicUrl} (docs at /docs, queues at /admin/queues, metrics at ${metrics})`);
});
