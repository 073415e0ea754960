import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ExportLedgerEntryEntity } from '../entities';

/** A worker's hold on one export: `claimId` guards every later write, so a worker that lost the day writes nothing. */
export interface LedgerClaim {
  claimId: string;
  worker: string;
  leaseMs: number;
}

export interface ExportFileFacts {
  orderCount: number;
  fileName: string;
  fileBytes: number;
}

export interface ExportFailure {
  errorCode: string | null;
  error: string;
}

const LEDGER_COLUMNS = `id, merchant_id AS "merchantId", day::text AS day, kind, state, recipients, attempts, retry_at AS "retryAt",
  claim_id AS "claimId", claimed_by AS "claimedBy", claimed_at AS "claimedAt", lease_until AS "leaseUntil",
  possible_duplicate AS "possibleDuplicate", order_count AS "orderCount", file_name AS "fileName", file_bytes AS "fileBytes",
  provider, message_id AS "messageId", sent_at AS "sentAt", error_code AS "errorCode", error,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * An entry a worker may take now: waiting and past its retry time, or held by a worker whose lease ran out (it died).
 * Lease times are Postgres' clock, so workers' clocks never have to agree.
 */
const workable = (l: string) =>
  `((${l}.state = 'pending' AND (${l}.retry_at IS NULL OR ${l}.retry_at <= now()))
    OR (${l}.state IN ('claimed', 'sending') AND ${l}.lease_until < now()))`;

/** Taking an entry: claim fields set, one more attempt; a retake of a `sending` entry may send a second copy. */
const CLAIM_SET = `state = 'claimed', attempts = l.attempts + 1, retry_at = NULL, claimed_at = now(),
  possible_duplicate = l.possible_duplicate OR l.state = 'sending', updated_at = now()`;

/** The export ledger: which day went to whom, exactly once, and what happened when it did not. */
@Injectable()
export class ExportLedgerRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Claims the automatic export of `day` in one statement: the entry is created claimed, or an existing one is taken
   * if it is workable. Of any number of concurrent claims exactly one gets the entry back; the others get null.
   */
  async claimDaily(merchantId: string, day: string, recipients: string[], claim: LedgerClaim): Promise<ExportLedgerEntryEntity | null> {
    const rows: ExportLedgerEntryEntity[] = await this.db.query(
      `INSERT INTO export_ledger AS l (id, merchant_id, day, kind, state, recipients, attempts, claim_id, claimed_by, claimed_at, lease_until)
       VALUES ($1, $2, $3, 'daily', 'claimed', $4, 1, $5, $6, now(), now() + make_interval(secs => $7))
       ON CONFLICT (merchant_id, day) WHERE kind = 'daily' DO UPDATE SET ${CLAIM_SET},
         recipients = EXCLUDED.recipients, claim_id = EXCLUDED.claim_id, claimed_by = EXCLUDED.claimed_by, lease_until = EXCLUDED.lease_until
       WHERE ${workable('l')}
       RETURNING ${LEDGER_COLUMNS}`,
      [randomUUID(), merchantId, day, recipients, claim.claimId, claim.worker, claim.leaseMs / 1000],
    );
    return rows[0] ?? null;
  }

  /** Claims an existing entry (a resend) if it is workable; null when another worker has it or it is finished. */
  async claim(id: string, claim: LedgerClaim): Promise<ExportLedgerEntryEntity | null> {
    const rows: [ExportLedgerEntryEntity[], number] = await this.db.query(
      `UPDATE export_ledger l SET ${CLAIM_SET}, claim_id = $2, claimed_by = $3, lease_until = now() + make_interval(secs => $4)
       WHERE l.id = $1 AND ${workable('l')}
       RETURNING ${LEDGER_COLUMNS}`,
      [id, claim.claimId, claim.worker, claim.leaseMs / 1000],
    );
    return rows[0][0] ?? null;
  }

  /**
   * `claimed → sending`, written before the provider call, with a lease long enough to cover it. False when another
   * worker took the entry over meanwhile: then it is theirs to send.
   */
  async markSending(id: string, claimId: string, leaseMs: number, file: ExportFileFacts): Promise<boolean> {
    return this.transition(
      id,
      claimId,
      ['claimed'],
      `state = 'sending', lease_until = now() + make_interval(secs => $3), order_count = $4, file_name = $5, file_bytes = $6`,
      [leaseMs / 1000, file.orderCount, file.fileName, file.fileBytes],
    );
  }

  async markSent(id: string, claimId: string, receipt: { provider: string; messageId: string }): Promise<boolean> {
    return this.transition(
      id,
      claimId,
      ['sending'],
      `state = 'sent', provider = $3, message_id = $4, sent_at = now(), lease_until = NULL, error_code = NULL, error = NULL`,
      [receipt.provider, receipt.messageId],
    );
  }

  /** A transient failure: back to `pending`, to be claimed again once `retryInMs` has passed. */
  async markRetry(id: string, claimId: string, retryInMs: number, failure: ExportFailure): Promise<boolean> {
    return this.transition(
      id,
      claimId,
      ['claimed', 'sending'],
      `state = 'pending', claim_id = NULL, lease_until = NULL, retry_at = now() + make_interval(secs => $3), error_code = $4, error = $5`,
      [retryInMs / 1000, failure.errorCode, failure.error],
    );
  }

  async markFailed(id: string, claimId: string, failure: ExportFailure): Promise<boolean> {
    return this.transition(
      id,
      claimId,
      ['claimed', 'sending'],
      `state = 'failed', lease_until = NULL, error_code = $3, error = $4`,
      [failure.errorCode, failure.error],
    );
  }

  /** A resend the merchant asked for: its own entry, never the automatic one, ready to be claimed at once. */
  async createResend(merchantId: string, day: string, recipients: string[]): Promise<ExportLedgerEntryEntity> {
    const rows: ExportLedgerEntryEntity[] = await this.db.query(
      `INSERT INTO export_ledger (id, merchant_id, day, kind, state, recipients, retry_at)
       VALUES ($1, $2, $3, 'resend', 'pending', $4, now())
       RETURNING ${LEDGER_COLUMNS}`,
      [randomUUID(), merchantId, day, recipients],
    );
    return rows[0];
  }

  /** The merchant's automatic entries for days in [from, to]. */
  async findDaily(merchantId: string, from: string, to: string): Promise<ExportLedgerEntryEntity[]> {
    return this.db.query(
      `SELECT ${LEDGER_COLUMNS} FROM export_ledger WHERE merchant_id = $1 AND kind = 'daily' AND day BETWEEN $2 AND $3 ORDER BY day`,
      [merchantId, from, to],
    );
  }

  /** The merchant's entries that are not finished yet, oldest day first. */
  async findUnfinished(merchantId: string): Promise<ExportLedgerEntryEntity[]> {
    return this.db.query(
      `SELECT ${LEDGER_COLUMNS} FROM export_ledger
       WHERE merchant_id = $1 AND state IN ('pending', 'claimed', 'sending')
       ORDER BY day, created_at`,
      [merchantId],
    );
  }

  /** Every entry for days in [from, to], newest day first, then in the order they were made. */
  async list(merchantId: string, from: string, to: string): Promise<ExportLedgerEntryEntity[]> {
    return this.db.query(
      `SELECT ${LEDGER_COLUMNS} FROM export_ledger WHERE merchant_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day DESC, created_at`,
      [merchantId, from, to],
    );
  }

  /** The oldest day the merchant has a ledger entry for, if any. */
  async firstDay(merchantId: string): Promise<string | null> {
    const [row]: { day: string | null }[] = await this.db.query(`SELECT min(day)::text AS day FROM export_ledger WHERE merchant_id = $1`, [merchantId]);
    return row.day;
  }

  /**
   * Which merchants have export work a worker could take now: a due day with no entry or a workable one, a workable
   * resend, or a workable automatic entry of a merchant whose exports are still on.
   */
  async merchantsWithWork(dueDays: { merchantId: string; day: string }[]): Promise<string[]> {
    const rows: { merchantId: string }[] = await this.db.query(
      `SELECT c.merchant_id AS "merchantId" FROM unnest($1::uuid[], $2::date[]) AS c(merchant_id, day)
       LEFT JOIN export_ledger l ON l.merchant_id = c.merchant_id AND l.day = c.day AND l.kind = 'daily'
       WHERE l.id IS NULL OR ${workable('l')}
       UNION
       SELECT l.merchant_id FROM export_ledger l
       WHERE l.state IN ('pending', 'claimed', 'sending') AND ${workable('l')}
         AND (l.kind = 'resend' OR EXISTS (SELECT 1 FROM export_settings s WHERE s.merchant_id = l.merchant_id AND s.enabled))`,
      [dueDays.map((d) => d.merchantId), dueDays.map((d) => d.day)],
    );
    return rows.map((row) => row.merchantId);
  }

  private async transition(id: string, claimId: string, from: string[], set: string, params: unknown[]): Promise<boolean> {
    const [, count]: [unknown[], number] = await this.db.query(
      `UPDATE export_ledger SET ${set}, updated_at = now() WHERE id = $1 AND claim_id = $2 AND state = ANY('{${from.join(',')}}'::text[])`,
      [id, claimId, ...params],
    );
    return count > 0;
  }
}
