import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, Request } from 'express';
import { Logger } from 'nestjs-pino';
import { closeOnSignals, runProcess } from '@herald/runtime';
import { mountAdminQueues } from './admin-queues';
import { ApiModule } from './api.module';

const SENDGRID_EVENTS_PATH = '/webhooks/sendgrid/events';

void runProcess('api', async (config) => {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bufferLogs: true, bodyParser: false, rawBody: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // SendGrid posts event batches of up to about 768 KB; every other route keeps BODY_LIMIT. The raw bytes are kept
  // because the signature covers them.
  app.use(SENDGRID_EVENTS_PATH, json({ limit: '2mb', verify: (request: Request & { rawBody?: Buffer }, _response, buffer) => (request.rawBody = buffer) }));
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  app.set('trust proxy', 'loopback');
  closeOnSignals(app);
  mountAdminQueues(app);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Herald')
      .setDescription('Order confirmations and pickup reminders over SMS and email.')
      .setVersion('1')
      .addBearerAuth()
      .addBasicAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  await app.listen(config.port, '0.0.0.0');
  if (!config.admin) logger.warn('ADMIN_USER/ADMIN_PASSWORD are not set: /admin is open (allowed outside production only)');
  if (config.secretKeyIsDevelopmentDefault) logger.warn('SECRET_KEY is not set: event cursors, stream tokens and webhook secrets use the development key');
  logger.log(`Herald API listening on ${config.publicUrl} (docs at /docs, queues at /admin/queues)`);
});
