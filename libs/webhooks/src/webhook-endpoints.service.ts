import { Injectable } from '@nestjs/common';
import { notFound } from '@herald/errors';
import { EventCursors, eventType, RedisSignals } from '@herald/events';
import { decodeCursor, pageOf } from '@herald/notifications';
import { NotificationStatus, WebhookAttempt, WebhookDeliveryStatus, WebhookEndpointEntity, WebhookRepository } from '@herald/persistence';
import { WebhookDestinations } from './webhook-destinations.service';
import { WebhookSecrets } from './webhook-secrets';

export interface EndpointInput {
  url: string;
  /** Statuses to deliver; absent for all. */
  events?: NotificationStatus[];
}

export interface WebhookEndpointView {
  url: string;
  events: NotificationStatus[] | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDeliveryView {
  id: string;
  /** The event's id, as on the feed and the stream, and in the `webhook-id` header. */
  eventId: string;
  type: string;
  notificationId: string;
  status: WebhookDeliveryStatus;
  attempts: WebhookAttempt[];
  /** The event is a test notification's: one endpoint receives both worlds' events. */
  test: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The merchant's side of webhooks: setting the endpoint (and its secret) and seeing what was delivered. */
@Injectable()
export class WebhookEndpoints {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly secrets: WebhookSecrets,
    private readonly cursors: EventCursors,
    private readonly signals: RedisSignals,
    private readonly destinations: WebhookDestinations,
  ) {}

  /**
   * Sets the endpoint, replacing any previous one, with a new signing secret: the only time the secret is shown.
   * Deliveries still waiting are signed with the new secret when they go. A new endpoint receives the events committed
   * from now on. Unless WEBHOOK_ALLOW_PRIVATE, a URL leading off the public internet is refused.
   */
  async put(merchantId: string, input: EndpointInput): Promise<WebhookEndpointView & { secret: string }> {
    await this.destinations.assertPublicUrl(input.url);
    const secret = this.secrets.generate();
    const saved = await this.webhooks.upsertEndpoint({
      merchantId,
      url: input.url,
      statuses: input.events?.length ? [...new Set(input.events)] : null,
      secret: this.secrets.seal(merchantId, secret),
    });
    this.signals.publish('webhook-endpoints', [merchantId]);
    return { ...view(saved), secret };
  }

  async get(merchantId: string): Promise<WebhookEndpointView> {
    const endpoint = await this.webhooks.findEndpoint(merchantId);
    if (!endpoint) throw notFound('webhook_endpoint');
    return view(endpoint);
  }

  /** Stops webhooks; deliveries still waiting are cancelled when their turn comes. */
  async remove(merchantId: string): Promise<void> {
    if (!(await this.webhooks.deleteEndpoint(merchantId))) throw notFound('webhook_endpoint');
    this.signals.publish('webhook-endpoints', [merchantId]);
  }

  /** Newest first, with cursor pagination: live and test events alike (each says which), as the endpoint receives both. */
  async deliveries(merchantId: string, query: { limit: number; cursor?: string }): Promise<{ data: WebhookDeliveryView[]; nextCursor: string | null }> {
    const rows = await this.webhooks.page(merchantId, query.limit + 1, query.cursor ? decodeCursor(query.cursor) : undefined);
    const { page, nextCursor } = pageOf(rows, query.limit);
    return {
      data: page.map((row) => ({
        id: row.id,
        eventId: this.cursors.encode(merchantId, { xid: BigInt(row.eventXid), id: BigInt(row.eventId) }),
        type: eventType(row.eventStatus),
        notificationId: row.notificationId,
        status: row.status,
        attempts: row.attempts,
        test: row.test,
        createdAt: new Date(row.createdAt).toISOString(),
        updatedAt: new Date(row.updatedAt).toISOString(),
      })),
      nextCursor,
    };
  }
}

function view(endpoint: WebhookEndpointEntity): WebhookEndpointView {
  return {
    url: endpoint.url,
    events: endpoint.statuses,
    createdAt: new Date(endpoint.createdAt).toISOString(),
    updatedAt: new Date(endpoint.updatedAt).toISOString(),
  };
}
