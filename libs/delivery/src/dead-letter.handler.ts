import { Injectable, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DeadLetterAlerts } from '@herald/alerts';
import { FallbackService } from '@herald/customers';
import { RedriveService } from '@herald/notifications';
import { DeliveryRepository } from '@herald/persistence';
import { deadLetterPayload, DeadLetterPayload } from '@herald/queues';

export type DeadLetterOutcome = { kind: 'redriven'; notificationId: string } | { kind: 'ignored'; reason: string };

/**
 * A dead letter's life: on arrival it alerts the operators (unless a fallback reached the customer) and parks itself
 * as a failed job in `dead-letter`, where Bull Board shows it with its reason. An operator's Retry brings it back here, and then it redrives the
 * notification through its original queue.
 */
@Injectable()
export class DeadLetterHandler {
  private readonly logger = new Logger(DeadLetterHandler.name);

  constructor(
    private readonly alerts: DeadLetterAlerts,
    private readonly redrives: RedriveService,
    private readonly sends: DeliveryRepository,
    private readonly fallbacks: FallbackService,
  ) {}

  async handle(job: Job): Promise<DeadLetterOutcome> {
    const parsed = deadLetterPayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`malformed dead letter: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const letter = parsed.data;
    if (job.attemptsMade === 0) {
      await this.alert(letter);
      throw new UnrecoverableError(`parked: ${letter.error.code ?? 'error'} ${letter.error.message}`);
    }
    const revived = await this.redrives.redrive(letter.notificationId, 'bull-board');
    if (!revived) return { kind: 'ignored', reason: 'notification is no longer dead' };
    this.logger.log({ msg: 'dead letter redriven', notificationId: letter.notificationId, jobId: job.id, queue: letter.queue });
    return { kind: 'redriven', notificationId: letter.notificationId };
  }

  /** No alert when a fallback reached the customer on the other channel: there is nothing for an operator to do. */
  private async alert(letter: DeadLetterPayload): Promise<void> {
    const fallbackId = await this.fallbacks.fallbackOf(letter.notificationId);
    if (fallbackId) {
      this.logger.log({ msg: 'dead letter not alerted: a fallback went to the other channel', notificationId: letter.notificationId, fallbackId });
      return;
    }
    const context = await this.sends.findDeliveryContext(letter.notificationId);
    await this.alerts.report({
      notificationId: letter.notificationId,
      merchant: context?.merchant.name ?? 'unknown merchant',
      orderReference: context?.order?.reference ?? null,
      channel: context?.notification.channel ?? 'unknown',
      recipient: context?.notification.recipient ?? '',
      queue: letter.queue,
      errorCode: letter.error.code,
      errorMessage: letter.error.message,
      attempts: letter.attempts,
    });
  }
}
