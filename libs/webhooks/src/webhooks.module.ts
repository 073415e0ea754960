import { Module } from '@nestjs/common';
import { AlertsModule } from '@herald/alerts';
import { EventsModule } from '@herald/events';
import { QueuesModule } from '@herald/queues';
import { WebhookDeadLetterHandler } from './webhook-dead-letter.handler';
import { WebhookDeliveryHandler } from './webhook-delivery.handler';
import { HOST_RESOLVER, systemResolver, WebhookDestinations } from './webhook-destinations.service';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookTransport } from './webhook-transport';

const hostResolver = { provide: HOST_RESOLVER, useValue: systemResolver };

/** The API's side: the merchant sets its endpoint and reads its deliveries. */
@Module({
  imports: [EventsModule],
  providers: [WebhookEndpoints, WebhookSecrets, WebhookDestinations, hostResolver],
  exports: [WebhookEndpoints],
})
export class WebhookEndpointsModule {}

/** The worker's side: events become deliveries, deliveries become signed POSTs, dead ones become alerts. */
@Module({
  imports: [EventsModule, QueuesModule, AlertsModule],
  providers: [WebhookDispatcher, WebhookDeliveryHandler, WebhookDeadLetterHandler, WebhookSecrets, WebhookDestinations, WebhookTransport, hostResolver],
  exports: [WebhookDeliveryHandler, WebhookDeadLetterHandler],
})
export class WebhookDeliveryModule {}
