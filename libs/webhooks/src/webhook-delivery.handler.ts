import { Injectable, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { EventFeed, eventType } from '@herald/events';
import { WebhookAttempt, WebhookRepository } from '@herald/persistence';
import { DeadLetters, deliverWebhookPayload } from '@herald/queues';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookTransport } from './webhook-transport';

export type WebhookOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'dead'; deadLetter: string }
  | { kind: 'cancelled' | 'ignored'; reason: string };

/** A failed try that will be retried; carries the endpoint's Retry-After for the backoff strategy. */
export class WebhookAttemptFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'WebhookAttemptFailed';
  }
}

/**
 * POSTs one event to the merchant's endpoint, signed per Standard Webhooks (`webhook-id` is the event's id, so a
 * merchant can drop the duplicate a retry after a lost answer may bring). A 2xx delivers it; anything else, a timeout
 * or a network error is retried with backoff for about a day, then the delivery is dead-lettered and its job completes.
 */
@Injectable()
export class WebhookDeliveryHandler {
  private readonly logger = new Logger(WebhookDeliveryHandler.name);

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly feed: EventFeed,
    private readonly secrets: WebhookSecrets,
    private readonly deadLetters: DeadLetters,
    private readonly transport: WebhookTransport,
  ) {}

  async handle(job: Job): Promise<WebhookOutcome> {
    const payload = deliverWebhookPayload.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`malformed payload: ${payload.error.issues.map((i) => i.message).join('; ')}`);
    const { deliveryId } = payload.data;
    const found = await this.webhooks.findToSend(deliveryId);
    if (!found) return { kind: 'ignored', reason: 'delivery_not_found' };
    if (found.delivery.status !== 'pending') return { kind: 'ignored', reason: `already_${found.delivery.status}` };
    if (!found.endpoint) {
      await this.webhooks.changeStatus(deliveryId, ['pending'], 'cancelled');
      return { kind: 'cancelled', reason: 'endpoint_removed' };
    }

    const event = this.feed.view(found.event);
    const body = JSON.stringify({ type: eventType(event.status), timestamp: event.at, data: event });
    const secret = this.secrets.open(found.delivery.merchantId, found.endpoint.secret);
    const startedAt = new Date();
    const result = await this.transport.post(found.endpoint.url, {
      'content-type': 'application/json',
      'user-agent': 'Herald-Webhooks/1',
      'webhook-id': event.id,
      'webhook-timestamp': String(Math.floor(startedAt.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(event.id, startedAt, body),
    }, body);
    const attempt: WebhookAttempt = {
      at: startedAt.toISOString(),
      url: found.endpoint.url,
      durationMs: Date.now() - startedAt.getTime(),
      ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
      ...(result.code ? { error: result.message } : {}),
    };
    if (!result.code) {
      await this.webhooks.recordAttempt(deliveryId, attempt, 'delivered');
      return { kind: 'delivered', statusCode: result.statusCode! };
    }

    const number = job.attemptsMade + 1;
    const final = number >= (job.opts.attempts ?? 1);
    this.logger.warn({ msg: 'webhook attempt failed', deliveryId, merchantId: found.delivery.merchantId, attempt: number, final, code: result.code });
    if (!final) {
      await this.webhooks.recordAttempt(deliveryId, attempt);
      throw new WebhookAttemptFailed(result.code, result.message!, result.retryAfterMs);
    }
    await this.webhooks.recordAttempt(deliveryId, attempt, 'dead');
    const deadLetter = await this.deadLetters.parkWebhook({
      deliveryId,
      merchantId: found.delivery.merchantId,
      notificationId: event.notificationId,
      host: new URL(found.endpoint.url).host,
      error: { code: result.code, message: result.message! },
      attempts: found.delivery.attempts.length + 1,
      failedAt: new Date().toISOString(),
    });
    // As a dead send's: the job completes, naming its letter, so the dead letter is the one place to press Retry.
    return { kind: 'dead', deadLetter };
  }
}
