import { Injectable, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DeadLetterAlerts } from '@herald/alerts';
import { WebhookRepository } from '@herald/persistence';
import { BULK_QUEUE, WebhookJobs, webhookDeadLetterPayload } from '@herald/queues';

export type WebhookDeadLetterOutcome = { kind: 'redriven'; deliveryId: string } | { kind: 'ignored'; reason: string };

/**
 * A webhook delivery's dead letter, handled as a send's is: on arrival it alerts the operators (through the same
 * batched Slack alerts) and parks itself as a failed job in `dead-letter`; an operator's Retry in Bull Board brings it
 * back here and the delivery is tried again from scratch.
 */
@Injectable()
export class WebhookDeadLetterHandler {
  private readonly logger = new Logger(WebhookDeadLetterHandler.name);

  constructor(
    private readonly alerts: DeadLetterAlerts,
    private readonly webhooks: WebhookRepository,
    private readonly jobs: WebhookJobs,
  ) {}

  async handle(job: Job): Promise<WebhookDeadLetterOutcome> {
    const parsed = webhookDeadLetterPayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`malformed webhook dead letter: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const letter = parsed.data;
    if (job.attemptsMade === 0) {
      const found = await this.webhooks.findToSend(letter.deliveryId);
      await this.alerts.report({
        notificationId: letter.notificationId,
        merchant: found?.merchantName ?? 'unknown merchant',
        orderReference: found?.orderReference ?? null,
        channel: 'webhook',
        recipient: '',
        destination: letter.host,
        queue: BULK_QUEUE,
        errorCode: letter.error.code,
        errorMessage: letter.error.message,
        attempts: letter.attempts,
      });
      throw new UnrecoverableError(`parked: ${letter.error.code ?? 'error'} ${letter.error.message}`);
    }
    if (!(await this.webhooks.changeStatus(letter.deliveryId, ['dead'], 'pending'))) return { kind: 'ignored', reason: 'delivery is no longer dead' };
    await this.jobs.requeue(letter.deliveryId);
    this.logger.log({ msg: 'webhook dead letter redriven', deliveryId: letter.deliveryId });
    return { kind: 'redriven', deliveryId: letter.deliveryId };
  }
}
