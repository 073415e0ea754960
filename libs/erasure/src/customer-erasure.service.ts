import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { EMAIL_CHANNEL, EmailChannelAdapter } from '@herald/channels';
import { exportFileWithoutCustomer } from '@herald/exports';
import { CUSTOMER_ERASED, isPending, NotificationsService } from '@herald/notifications';
import { ErasureEntity, ErasureRepository } from '@herald/persistence';
import { DeadLetters } from '@herald/queues';
import { redactEventDetail } from './event-detail-redaction';
import { redactStoredAnswer } from './stored-answer-redaction';

export type ErasureOutcome =
  | { kind: 'completed'; erasure: ErasureEntity }
  /** Something it must not erase under is still going on (a send in flight, an older transaction): look again at `until`. */
  | { kind: 'waiting'; until: Date; reason: 'older_transactions' | 'send_in_flight' }
  | { kind: 'ignored'; reason: string };

/** How long a run waits, in place, for the transactions running when it started to end. */
const SETTLE_WAIT_MS = 10_000;
const SETTLE_POLL_MS = 50;
/** A send in flight ends within its provider timeout; an erasure waiting on one looks again this often. */
const SEND_IN_FLIGHT_RECHECK_MS = 2000;

/**
 * Where an erasure is done, by a worker. Each run goes on from what Postgres says is left, so a retried, taken-over or
 * rebuilt job finishes the work:
 *
 * 1. It waits for the transactions that were running when it started: one of them may have read the customer before
 *    the request took it out of the API, and its writes must be erased too.
 * 2. The customer's pending notifications are cancelled, through the usual cancel (history event, job removed), and a
 *    send in flight is waited for: what it writes when it ends must be erased too.
 * 3. The dead letters of its dead notifications go: an erased message must not be redriven.
 * 4. One Postgres transaction blanks the personal data and keeps the opt-outs as keyed hashes (ErasureRepository.scrub).
 * 5. The export files the email channel kept (the log driver's) are rewritten without the customer.
 */
@Injectable()
export class CustomerErasure {
  private readonly logger = new Logger(CustomerErasure.name);

  constructor(
    private readonly erasures: ErasureRepository,
    private readonly notifications: NotificationsService,
    private readonly deadLetters: DeadLetters,
    @Inject(EMAIL_CHANNEL) private readonly email: EmailChannelAdapter,
  ) {}

  async run(erasureId: string): Promise<ErasureOutcome> {
    const erasure = await this.erasures.start(erasureId);
    if (!erasure) return { kind: 'ignored', reason: 'not_requested' };
    if (!erasure.scrubbedAt) {
      const waiting = await this.erasePostgres(erasure);
      if (waiting) return waiting;
    }
    const exportFiles = await this.rewriteExportFiles(erasure);
    await this.erasures.addCounts(erasure.id, { exportFiles });
    await this.erasures.complete(erasure.id);
    const completed = (await this.erasures.findById(erasure.id))!;
    this.logger.log({ msg: 'customer erased', erasureId: erasure.id, merchantId: erasure.merchantId, customerId: erasure.customerId, counts: completed.counts });
    return { kind: 'completed', erasure: completed };
  }

  /** Gives up after the job's last attempt: the merchant's next DELETE of the customer resumes it. */
  async giveUp(erasureId: string, errorCode: string): Promise<void> {
    await this.erasures.fail(erasureId, errorCode);
  }

  private async erasePostgres(erasure: ErasureEntity): Promise<ErasureOutcome | null> {
    if (!(await this.settled())) return this.waiting('older_transactions', SETTLE_POLL_MS * 20);
    const covered = await this.erasures.notificationsOf(erasure);
    let cancelled = 0;
    for (const notification of covered.filter((n) => isPending(n.status))) {
      if (await this.notifications.cancelPending(notification.id, { by: 'erasure', reason: CUSTOMER_ERASED })) cancelled += 1;
    }
    let deadLetters = 0;
    for (const notification of covered.filter((n) => n.status === 'dead')) {
      if (await this.deadLetters.remove(notification.id, notification.attempts)) deadLetters += 1;
    }
    const counts = { cancelled: (erasure.counts.cancelled ?? 0) + cancelled, deadLetters: (erasure.counts.deadLetters ?? 0) + deadLetters };
    if (cancelled || deadLetters) await this.erasures.addCounts(erasure.id, counts);
    if (covered.some((n) => n.status === 'sending')) return this.waiting('send_in_flight', SEND_IN_FLIGHT_RECHECK_MS);

    const scrubbed = await this.erasures.scrub(erasure, { eventDetail: redactEventDetail, storedAnswer: redactStoredAnswer });
    // A notification became pending meanwhile (a send put back to retry): the next run cancels it first.
    if (scrubbed.kind === 'pending_notifications') return this.waiting('send_in_flight', SEND_IN_FLIGHT_RECHECK_MS);
    return null;
  }

  /** Whether every transaction running now has ended, waiting in place for a while. */
  private async settled(): Promise<boolean> {
    const snapshot = await this.erasures.snapshot();
    for (const deadline = Date.now() + SETTLE_WAIT_MS; Date.now() < deadline; await sleep(SETTLE_POLL_MS)) {
      if (await this.erasures.settled(snapshot)) return true;
    }
    return false;
  }

  private async rewriteExportFiles(erasure: ErasureEntity): Promise<number> {
    if (!this.email.rewriteKeptAttachment) return 0;
    const files = await this.erasures.exportFilesOf(erasure, this.email.provider);
    if (!files.length) return 0;
    const references = await this.erasures.orderReferencesOf(erasure);
    let rewritten = 0;
    for (const file of files) {
      const kept = await this.email.rewriteKeptAttachment(file.providerMessageId, file.fileName, (content) =>
        exportFileWithoutCustomer(content, file.fileName, references),
      );
      if (kept) rewritten += 1;
    }
    return rewritten;
  }

  private waiting(reason: 'older_transactions' | 'send_in_flight', inMs: number): ErasureOutcome {
    return { kind: 'waiting', until: new Date(Date.now() + inMs), reason };
  }
}
