import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { OPERATOR_ALERTS, OperatorAlerts } from '@herald/alerts';
import { EMAIL_CHANNEL, EmailChannelAdapter, maskContactsIn, maskRecipient, ProviderError, ProviderReceipt } from '@herald/channels';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { isDependencyOutage } from '@herald/errors';
import {
  ExportFailure,
  ExportLedgerEntryEntity,
  ExportLedgerRepository,
  ExportSettingsRepository,
  LedgerClaim,
  ScheduledExport,
} from '@herald/persistence';
import { retryDelayMs } from '@herald/queues';
import { PROCESS_ID } from '@herald/runtime';
import { dueDays, exportDueAt } from './export-calendar';
import { describeExportFailure } from './export-failure.alert';
import { ExportFiles } from './export-files.service';
import { composeExportMail } from './export-mail';
import { AttachmentTooLarge, packAttachment, PackedFile } from './mail-attachment';

export type ExportOutcome = { day: string; kind: string } & (
  | { result: 'sent'; messageId: string }
  | { result: 'retry' | 'failed'; errorCode: string | null }
  /** Another worker took the entry over while this one was building the file: it is theirs to send. */
  | { result: 'lost' }
);

/** Tries (about 20 s in all) to record a mail the provider accepted while Postgres is away. */
const RECORD_SENT_ATTEMPTS = 10;

const isFinished = (entry: ExportLedgerEntryEntity) => entry.state === 'sent' || entry.state === 'failed';

/**
 * Where a merchant's due days become mails. Each export is claimed in the ledger first (one worker wins), marked
 * `sending` before the provider call, and `sent` with the provider's message id after it; transient failures go back
 * to `pending` with a backoff, permanent ones end `failed` and alert the operators.
 */
@Injectable()
export class ExportRunner {
  private readonly logger = new Logger(ExportRunner.name);

  constructor(
    private readonly settings: ExportSettingsRepository,
    private readonly ledger: ExportLedgerRepository,
    private readonly files: ExportFiles,
    @Inject(EMAIL_CHANNEL) private readonly email: EmailChannelAdapter,
    @Inject(OPERATOR_ALERTS) private readonly alerts: OperatorAlerts,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  /** Exports what the merchant has due: its automatic days oldest first, then the resends it asked for. */
  async run(merchantId: string, now = new Date()): Promise<ExportOutcome[]> {
    const settings = await this.settings.find(merchantId);
    if (!settings) return [];
    const unfinished = await this.ledger.findUnfinished(merchantId);
    const outcomes = settings.enabled ? await this.runDaily(settings, unfinished, now) : [];
    for (const entry of unfinished.filter((e) => e.kind === 'resend')) {
      const claimed = await this.ledger.claim(entry.id, this.newClaim());
      if (claimed) outcomes.push(await this.deliver(claimed, settings, now));
    }
    return outcomes;
  }

  /**
   * Each day only after the one before it is done, so a catch-up arrives in order: a day another worker holds, or
   * one waiting for its retry, holds back the days after it.
   */
  private async runDaily(settings: ScheduledExport, unfinished: ExportLedgerEntryEntity[], now: Date): Promise<ExportOutcome[]> {
    const due = dueDays(settings, now, this.config.exports.catchUpDays);
    const done = due.length ? await this.ledger.findDaily(settings.merchantId, due[0], due[due.length - 1]) : [];
    const finished = new Set(done.filter(isFinished).map((entry) => entry.day));
    const started = unfinished.filter((entry) => entry.kind === 'daily').map((entry) => entry.day);
    const days = [...new Set([...started, ...due.filter((day) => !finished.has(day))])].sort();
    const outcomes: ExportOutcome[] = [];
    for (const day of days) {
      const claimed = await this.ledger.claimDaily(settings.merchantId, day, settings.recipients, this.newClaim());
      if (!claimed) break;
      const outcome = await this.deliver(claimed, settings, now);
      outcomes.push(outcome);
      if (outcome.result === 'retry' || outcome.result === 'lost') break;
    }
    return outcomes;
  }

  private async deliver(entry: ExportLedgerEntryEntity, settings: ScheduledExport, now: Date): Promise<ExportOutcome> {
    const claimId = entry.claimId!;
    const context = { merchantId: entry.merchantId, day: entry.day, kind: entry.kind, entryId: entry.id, attempt: entry.attempts };
    if (entry.possibleDuplicate) {
      this.logger.warn({ msg: 'a worker died while mailing this export; sending it again, so it may arrive twice', ...context });
    }
    // Each claim counts as an attempt, so a day that keeps killing its worker (or failing to build) ends, too.
    if (entry.attempts > this.config.jobs.attempts) {
      const lastError = { errorCode: entry.errorCode ?? 'attempts_exhausted', error: entry.error ?? 'no worker could finish it' };
      return this.fail(entry, claimId, settings, lastError);
    }

    let packed: PackedFile;
    let orderCount: number;
    try {
      const file = await this.files.open(entry.merchantId, entry.day, settings.zone);
      packed = await packAttachment(file.stream, file.filename);
      orderCount = file.rowCount();
    } catch (error) {
      if (error instanceof AttachmentTooLarge) return this.fail(entry, claimId, settings, { errorCode: error.code, error: error.message });
      // Anything else (Postgres failing us): the claim lapses, and a later tick takes the day again.
      throw error;
    }

    const file = { orderCount, fileName: packed.attachment.filename, fileBytes: packed.csvBytes };
    // `sending` is written before the call; its lease covers the call, so no one takes over while it may succeed.
    if (!(await this.ledger.markSending(entry.id, claimId, this.config.exports.leaseMs + this.config.providerTimeoutMs, file))) {
      return { day: entry.day, kind: entry.kind, result: 'lost' };
    }
    const dueAt = entry.kind === 'daily' ? exportDueAt(entry.day, settings.localTime, settings.zone) : now;
    const mail = composeExportMail({
      merchantName: settings.merchantName,
      day: entry.day,
      zone: settings.zone,
      kind: entry.kind,
      orderCount,
      filename: file.fileName,
      compressed: packed.compressed,
      dueAt,
      now,
    });
    let receipt: ProviderReceipt;
    try {
      receipt = await this.email.sendMail({ reference: entry.id, to: entry.recipients, ...mail, attachments: [packed.attachment] });
    } catch (error) {
      return this.sendFailed(entry, claimId, settings, error);
    }
    await this.recordSent(entry, claimId, receipt);
    this.logger.log({
      msg: 'export sent',
      ...context,
      orders: orderCount,
      bytes: packed.csvBytes,
      to: entry.recipients.map(maskRecipient),
      messageId: receipt.providerMessageId,
    });
    return { day: entry.day, kind: entry.kind, result: 'sent', messageId: receipt.providerMessageId };
  }

  private async sendFailed(entry: ExportLedgerEntryEntity, claimId: string, settings: ScheduledExport, error: unknown): Promise<ExportOutcome> {
    const failure =
      error instanceof ProviderError ? error : new ProviderError(this.email.provider, 'transient', 'internal', (error as Error)?.message ?? String(error));
    const reason = { errorCode: failure.code, error: failure.message };
    if (failure.kind === 'permanent' || entry.attempts >= this.config.jobs.attempts) return this.fail(entry, claimId, settings, reason);
    const retryInMs = retryDelayMs(entry.attempts, this.config.jobs.backoffMs, failure.retryAfterMs);
    await this.ledger.markRetry(entry.id, claimId, retryInMs, reason);
    this.logger.warn({
      msg: 'export not sent; it will be retried',
      merchantId: entry.merchantId,
      day: entry.day,
      attempt: entry.attempts,
      retryInMs,
      code: failure.code,
      error: maskContactsIn(failure.message),
    });
    return { day: entry.day, kind: entry.kind, result: 'retry', errorCode: failure.code };
  }

  private async fail(entry: ExportLedgerEntryEntity, claimId: string, settings: ScheduledExport, failure: ExportFailure): Promise<ExportOutcome> {
    const outcome = { day: entry.day, kind: entry.kind, result: 'failed' as const, errorCode: failure.errorCode };
    if (!(await this.ledger.markFailed(entry.id, claimId, failure))) return outcome;
    const { merchantId, day, kind, recipients, attempts } = entry;
    this.logger.error({ msg: 'export failed for good', merchantId, day, kind, code: failure.errorCode, error: maskContactsIn(failure.error) });
    try {
      await this.alerts.send(describeExportFailure({ merchant: settings.merchantName, day, kind, recipients, attempts, ...failure }));
    } catch (error) {
      this.logger.error({ msg: 'could not deliver an export failure alert', day: entry.day, error: (error as Error).message });
    }
    return outcome;
  }

  /**
   * The provider has the mail: writing that down must not be given up lightly, or the day would be sent again once
   * the lease runs out. While Postgres is unreachable, keep trying for a while.
   */
  private async recordSent(entry: ExportLedgerEntryEntity, claimId: string, receipt: ProviderReceipt): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const recorded = await this.ledger.markSent(entry.id, claimId, { provider: receipt.provider, messageId: receipt.providerMessageId });
        if (!recorded) {
          this.logger.error({ msg: 'export sent, but another worker had taken it over: it may arrive twice', entryId: entry.id, day: entry.day });
        }
        return;
      } catch (error) {
        if (!isDependencyOutage(error) || attempt >= RECORD_SENT_ATTEMPTS) throw error;
        this.logger.warn({ msg: 'export sent, but Postgres is unreachable; retrying the write', entryId: entry.id, attempt });
        await sleep(Math.min(500 * attempt, 3000));
      }
    }
  }

  private newClaim(): LedgerClaim {
    return { claimId: randomUUID(), worker: PROCESS_ID, leaseMs: this.config.exports.leaseMs };
  }
}
