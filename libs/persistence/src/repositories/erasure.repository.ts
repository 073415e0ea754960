import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ContactHashing } from '../contact-hash';
import { ErasureCounts, ErasureEntity, NotificationEntity } from '../entities';
import { Tenant } from './test-world';

const ERASURE_COLUMNS = `id, merchant_id AS "merchantId", customer_id AS "customerId", test, status, counts, scrubbed_at AS "scrubbedAt",
  error_code AS "errorCode", requested_at AS "requestedAt", started_at AS "startedAt", completed_at AS "completedAt", updated_at AS "updatedAt"`;

/** A notification the erasure covers, with what cancelling it, or clearing its dead letter, needs. */
export type ErasedNotification = Pick<NotificationEntity, 'id' | 'status' | 'attempts' | 'priority' | 'kind' | 'channel'>;

/** A file the email channel may have kept of an export mail: the provider's message id and the attached file's name. */
export interface SentExportFile {
  providerMessageId: string;
  fileName: string;
}

/** How the erasure's Postgres transaction rewrites what holds personal data in free form. */
export interface Redactions {
  /** A history event's detail without its free text; the same object when nothing in it needs to go. */
  eventDetail(detail: Record<string, unknown>): Record<string, unknown>;
  /** A stored answer without the customer's data; the same value when nothing in it needs to go. */
  storedAnswer(answer: unknown, subject: ErasureSubject): unknown;
}

/** Whose data a stored answer must lose: the customer, the notifications the erasure covers, its contacts. */
export interface ErasureSubject {
  customerId: string;
  notificationIds: ReadonlySet<string>;
  /** Its phone numbers (E.164) and email addresses (lower case), present and past, that no other customer of the merchant has. */
  contacts: ReadonlySet<string>;
}

export type ScrubResult = { kind: 'scrubbed'; counts: Omit<ErasureCounts, 'cancelled' | 'deadLetters' | 'exportFiles'> } | { kind: 'pending_notifications' };

/**
 * The notifications an erasure covers (CTE `scope`, over `$1` merchant and `$2` customer, with CTE `contacts` and
 * `matchable` on the way): those of the customer's orders, its campaign sends, the fallbacks of either, and the one-off
 * messages the merchant sent, in the customer's world, to one of its contacts (present, or past as its notifications show them) that no other
 * customer of the merchant has.
 */
const SCOPE_CTES = `
  own AS (
    SELECT n.id FROM notifications n WHERE n.order_id IN (SELECT o.id FROM orders o WHERE o.customer_id = $2 AND o.merchant_id = $1)
    UNION ALL
    SELECT n.id FROM notifications n
    WHERE n.campaign_id IN (SELECT cp.id FROM campaigns cp WHERE cp.merchant_id = $1) AND n.customer_id = $2 AND n.fallback_for_id IS NULL
  ), owned AS (
    SELECT id FROM own UNION SELECT f.id FROM notifications f WHERE f.fallback_for_id IN (SELECT id FROM own)
  ), contacts AS (
    SELECT n.recipient AS contact FROM notifications n WHERE n.id IN (SELECT id FROM owned) AND n.recipient <> ''
    UNION SELECT c.phone FROM customers c WHERE c.id = $2 AND c.merchant_id = $1 AND c.phone IS NOT NULL
    UNION SELECT lower(c.email) FROM customers c WHERE c.id = $2 AND c.merchant_id = $1 AND c.email IS NOT NULL
  ), matchable AS (
    SELECT contact FROM contacts
    WHERE NOT EXISTS (
      SELECT 1 FROM customers other
      WHERE other.merchant_id = $1 AND other.id <> $2 AND other.erased_at IS NULL AND (other.phone = contact OR lower(other.email) = contact))
  ), scope AS (
    SELECT id FROM owned
    UNION SELECT n.id FROM notifications n
    WHERE n.merchant_id = $1 AND n.customer_id IS NULL AND n.recipient IN (SELECT contact FROM matchable)
      AND n.test = (SELECT c.test FROM customers c WHERE c.id = $2)
  )`;

/** `LIKE` matches the text as it is (`%`, `_` and the escape character included). */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * Erasures: the request (which takes the customer out of the API at once) and the work a worker does for it, each part
 * safe to run again: a crashed or retried erasure goes on from what Postgres says is left.
 */
@Injectable()
export class ErasureRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hashing: ContactHashing,
  ) {}

  /**
   * Records the erasure of the merchant's customer and takes the customer out of the API (`erased_at`), in one
   * transaction holding the customer's row lock. A customer already being erased, or erased, keeps its erasure, and a
   * failed one is asked for again. Null when the merchant has no such customer.
   */
  async request({ merchantId, test }: Tenant, customerId: string, newId: string): Promise<{ erasure: ErasureEntity; restarted: boolean } | null> {
    return this.db.transaction(async (manager) => {
      const [customer] = await manager.query(`SELECT id FROM customers WHERE id = $1 AND merchant_id = $2 AND test = $3 FOR UPDATE`, [
        customerId,
        merchantId,
        test,
      ]);
      if (!customer) return null;
      const [existing] = await manager.query(`SELECT ${ERASURE_COLUMNS} FROM erasures WHERE customer_id = $1`, [customerId]);
      if (existing && existing.status !== 'failed') return { erasure: existing as ErasureEntity, restarted: false };
      const [erasure] = existing
        ? await manager.query(
            `WITH restarted AS (
               UPDATE erasures SET status = 'requested', error_code = NULL, completed_at = NULL, updated_at = now() WHERE id = $1 RETURNING *
             ) SELECT ${ERASURE_COLUMNS} FROM restarted`,
            [existing.id],
          )
        : await manager.query(
            `WITH created AS (
               INSERT INTO erasures (id, merchant_id, customer_id, test, status) VALUES ($1, $2, $3, $4, 'requested') RETURNING *
             ) SELECT ${ERASURE_COLUMNS} FROM created`,
            [newId, merchantId, customerId, test],
          );
      await manager.query(`UPDATE customers SET erased_at = coalesce(erased_at, now()) WHERE id = $1`, [customerId]);
      return { erasure: erasure as ErasureEntity, restarted: Boolean(existing) };
    });
  }

  async findById(id: string): Promise<ErasureEntity | null> {
    const rows: ErasureEntity[] = await this.db.query(`SELECT ${ERASURE_COLUMNS} FROM erasures WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The merchant's erasure in the world asked for (`test`: asked for with a test key); null in the other. */
  async findForMerchant({ merchantId, test }: Tenant, id: string): Promise<ErasureEntity | null> {
    const rows: ErasureEntity[] = await this.db.query(`SELECT ${ERASURE_COLUMNS} FROM erasures WHERE id = $1 AND merchant_id = $2 AND test = $3`, [
      id,
      merchantId,
      test,
    ]);
    return rows[0] ?? null;
  }

  /** Erasures not finished (requested or running): each must have its job. */
  async unfinished(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM erasures WHERE status IN ('requested', 'running') ORDER BY requested_at`);
    return rows.map((row) => row.id);
  }

  /** `requested` → `running` (the first time a worker takes it up); the erasure as it then is. */
  async start(id: string): Promise<ErasureEntity | null> {
    const rows: ErasureEntity[] = await this.db.query(
      `WITH started AS (
         UPDATE erasures SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
         WHERE id = $1 AND status IN ('requested', 'running') RETURNING *
       ) SELECT ${ERASURE_COLUMNS} FROM started`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * A point after every transaction now running: `settled` says when all of them have ended. A transaction that read
   * the customer before the erasure took it out of the API (a campaign's fan-out holds an id from its first statement)
   * has committed, or never will, by then.
   */
  async snapshot(): Promise<string> {
    const [{ snapshot }]: { snapshot: string }[] = await this.db.query(`SELECT pg_current_snapshot()::text AS snapshot`);
    return snapshot;
  }

  /** Transactions positively known to run in another database of the cluster (which cannot write here) are not waited for. */
  async settled(snapshot: string): Promise<boolean> {
    const [{ settled }]: { settled: boolean }[] = await this.db.query(
      `SELECT NOT EXISTS (
         SELECT 1 FROM pg_snapshot_xip($1::pg_snapshot) x
         WHERE pg_xact_status(x) = 'in progress'
           AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.backend_xid = x::xid AND a.datname <> current_database())
       ) AS settled`,
      [snapshot],
    );
    return settled;
  }

  /** The notifications the erasure covers (see SCOPE_CTES), as they stand. */
  async notificationsOf(erasure: Pick<ErasureEntity, 'merchantId' | 'customerId'>, manager: EntityManager = this.db.manager): Promise<ErasedNotification[]> {
    return manager.query(
      `WITH ${SCOPE_CTES}
       SELECT n.id, n.status, n.attempts, n.priority, n.kind, n.channel FROM notifications n WHERE n.id IN (SELECT id FROM scope) ORDER BY n.id`,
      [erasure.merchantId, erasure.customerId],
    );
  }

  /**
   * The Postgres part of the erasure, in one transaction holding the customer's row lock: the customer's name and
   * contacts, its notifications' recipients, texts and provider errors, the free text of their history, the stored
   * answers of idempotent requests with the customer in them, when it last wrote over WhatsApp; its opt-outs and the
   * merchant's withdrawals kept as the keyed hash of each contact. Counts, statuses and timestamps stay. Nothing is written while one of its notifications
   * is still pending or being sent (`pending_notifications`): those are cancelled or finish first.
   */
  async scrub(erasure: Pick<ErasureEntity, 'id' | 'merchantId' | 'customerId' | 'test'>, redact: Redactions): Promise<ScrubResult> {
    return this.db.transaction(async (manager): Promise<ScrubResult> => {
      const { merchantId, customerId } = erasure;
      await manager.query(`SELECT 1 FROM customers WHERE id = $1 AND merchant_id = $2 FOR UPDATE`, [customerId, merchantId]);
      const covered = await this.notificationsOf(erasure, manager);
      if (covered.some((n) => ['scheduled', 'queued', 'sending'].includes(n.status))) return { kind: 'pending_notifications' };
      const [{ everyContact, matchable }]: { everyContact: string[]; matchable: string[] }[] = await manager.query(
        `WITH ${SCOPE_CTES}
         SELECT coalesce((SELECT array_agg(contact) FROM contacts), '{}') AS "everyContact",
                coalesce((SELECT array_agg(contact) FROM matchable), '{}') AS matchable`,
        [merchantId, customerId],
      );
      const ids = covered.map((n) => n.id);

      const notifications = await this.count(
        manager,
        `UPDATE notifications SET recipient = '', body = NULL, subject = NULL, last_error = NULL
         WHERE id = ANY($1::uuid[]) AND (recipient <> '' OR body IS NOT NULL OR subject IS NOT NULL OR last_error IS NOT NULL)`,
        [ids],
      );
      const events = await this.redactEvents(manager, ids, redact);
      const optOuts = await this.hashOptOuts(manager, { merchantId, test: erasure.test }, everyContact);
      // When the number last wrote over WhatsApp goes too: at worst another merchant's next message to it needs a template.
      await manager.query(`DELETE FROM whatsapp_sessions WHERE phone = ANY($1::text[])`, [everyContact]);
      const idempotencyRecords = await this.redactStoredAnswers(manager, redact, {
        merchantId,
        subject: { customerId, notificationIds: new Set(ids), contacts: new Set(matchable) },
      });
      await manager.query(`UPDATE customers SET name = NULL, phone = NULL, email = NULL WHERE id = $1`, [customerId]);
      const counts = { notifications, events, optOuts, idempotencyRecords };
      await manager.query(`UPDATE erasures SET scrubbed_at = now(), counts = counts || $2::jsonb, updated_at = now() WHERE id = $1`, [
        erasure.id,
        JSON.stringify(counts),
      ]);
      return { kind: 'scrubbed', counts };
    });
  }

  /** Export mails of the days the customer's orders were created on (a day either side: days are merchant-local). */
  async exportFilesOf(erasure: Pick<ErasureEntity, 'merchantId' | 'customerId'>, provider: string): Promise<SentExportFile[]> {
    return this.db.query(
      `SELECT l.message_id AS "providerMessageId", l.file_name AS "fileName"
       FROM export_ledger l,
            (SELECT min(created_at)::date - 1 AS first, max(created_at)::date + 1 AS last FROM orders WHERE customer_id = $2 AND merchant_id = $1) days
       WHERE l.merchant_id = $1 AND l.provider = $3 AND l.message_id IS NOT NULL AND l.file_name IS NOT NULL AND l.day BETWEEN days.first AND days.last
       ORDER BY l.day, l.created_at`,
      [erasure.merchantId, erasure.customerId, provider],
    );
  }

  /** The references of the customer's orders: what its rows in an export file are known by. */
  async orderReferencesOf(erasure: Pick<ErasureEntity, 'merchantId' | 'customerId'>): Promise<string[]> {
    const rows: { reference: string }[] = await this.db.query(`SELECT reference FROM orders WHERE customer_id = $2 AND merchant_id = $1`, [
      erasure.merchantId,
      erasure.customerId,
    ]);
    return rows.map((row) => row.reference);
  }

  async addCounts(id: string, counts: Partial<ErasureCounts>): Promise<void> {
    await this.db.query(`UPDATE erasures SET counts = counts || $2::jsonb, updated_at = now() WHERE id = $1`, [id, JSON.stringify(counts)]);
  }

  async complete(id: string): Promise<void> {
    await this.db.query(`UPDATE erasures SET status = 'completed', completed_at = now(), updated_at = now() WHERE id = $1 AND status = 'running'`, [id]);
  }

  /** Given up after its attempts: a DELETE of the customer asks for it again. */
  async fail(id: string, errorCode: string): Promise<void> {
    await this.db.query(`UPDATE erasures SET status = 'failed', error_code = $2, updated_at = now() WHERE id = $1 AND status IN ('requested', 'running')`, [
      id,
      errorCode,
    ]);
  }

  private async redactEvents(manager: EntityManager, notificationIds: string[], redact: Redactions): Promise<number> {
    const events: { id: string; detail: Record<string, unknown> }[] = await manager.query(
      `SELECT id::text, detail FROM notification_events WHERE notification_id = ANY($1::uuid[]) AND detail IS NOT NULL`,
      [notificationIds],
    );
    const changed = events.map((event) => ({ id: event.id, detail: redact.eventDetail(event.detail) })).filter((event, i) => event.detail !== events[i].detail);
    if (!changed.length) return 0;
    await manager.query(
      `UPDATE notification_events e SET detail = v.detail FROM unnest($1::bigint[], $2::jsonb[]) AS v(id, detail) WHERE e.id = v.id`,
      [changed.map((event) => event.id), changed.map((event) => JSON.stringify(event.detail))],
    );
    return changed.length;
  }

  /**
   * Each opt-out of a contact becomes the same opt-out of its hash: the customer's STOPs and unsubscribes, and the
   * merchant's withdrawals. A STOP belongs to the number it was texted to: those of the platform's number, of the
   * merchant's own and of numbers no merchant has now (its former ones) are hashed; those of another merchant's own
   * number are that merchant's, and stay as they are. The customer's own hold in both worlds (a test customer's phone is
   * a real phone); the merchant's withdrawals are hashed in the erased customer's world only.
   */
  private async hashOptOuts(manager: EntityManager, { merchantId, test }: Tenant, contacts: string[]): Promise<number> {
    const pads = this.hashing.pads;
    const ours = `phone = ANY($1::text[]) AND sender NOT IN (SELECT sms_from FROM merchants WHERE id <> $2 AND sms_from IS NOT NULL)`;
    await manager.query(
      `INSERT INTO opt_outs (sender, phone, source, opted_out_at)
       SELECT sender, herald_contact_hash(phone, $3), source, opted_out_at FROM opt_outs WHERE ${ours} ON CONFLICT DO NOTHING`,
      [contacts, merchantId, pads],
    );
    await manager.query(
      `INSERT INTO email_opt_outs (merchant_id, email, source, opted_out_at)
       SELECT merchant_id, herald_contact_hash(email, $3), source, opted_out_at FROM email_opt_outs WHERE merchant_id = $1 AND email = ANY($2::text[])
       ON CONFLICT DO NOTHING`,
      [merchantId, contacts, pads],
    );
    await manager.query(
      `INSERT INTO consent_withdrawals (merchant_id, test, channel, contact, withdrawn_at)
       SELECT merchant_id, test, channel, herald_contact_hash(contact, $3), withdrawn_at FROM consent_withdrawals
       WHERE merchant_id = $1 AND test = $4 AND contact = ANY($2::text[])
       ON CONFLICT DO NOTHING`,
      [merchantId, contacts, pads, test],
    );
    return (
      (await this.count(manager, `DELETE FROM opt_outs WHERE ${ours}`, [contacts, merchantId])) +
      (await this.count(manager, `DELETE FROM email_opt_outs WHERE merchant_id = $1 AND email = ANY($2::text[])`, [merchantId, contacts])) +
      (await this.count(manager, `DELETE FROM consent_withdrawals WHERE merchant_id = $1 AND test = $3 AND contact = ANY($2::text[])`, [merchantId, contacts, test]))
    );
  }

  /**
   * The merchant's stored answers that name the customer or one of its contacts (an order's, a customer's, a one-off
   * message's), however old: a live one is rewritten without the customer's data (a retry replays that), one past the
   * 24 hours a key lives is deleted.
   */
  private async redactStoredAnswers(manager: EntityManager, redact: Redactions, { merchantId, subject }: { merchantId: string; subject: ErasureSubject }): Promise<number> {
    const patterns = [subject.customerId, ...subject.contacts].map(containing);
    const stored: { key: string; answer: unknown; expired: boolean }[] = await manager.query(
      `SELECT key, response_body AS answer, created_at < now() - interval '24 hours' AS expired FROM idempotency_keys
       WHERE scope = $1 AND response_body IS NOT NULL AND response_body::text LIKE ANY($2::text[])`,
      [merchantId, patterns],
    );
    let changed = 0;
    for (const { key, answer, expired } of stored) {
      if (expired) {
        await manager.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, [merchantId, key]);
        changed += 1;
        continue;
      }
      const redacted = redact.storedAnswer(answer, subject);
      if (redacted === answer) continue;
      await manager.query(`UPDATE idempotency_keys SET response_body = $3::jsonb WHERE scope = $1 AND key = $2`, [merchantId, key, JSON.stringify(redacted)]);
      changed += 1;
    }
    return changed;
  }

  private async count(manager: EntityManager, statement: string, params: unknown[]): Promise<number> {
    const [{ count }]: { count: number }[] = await manager.query(`WITH changed AS (${statement} RETURNING 1) SELECT count(*)::int AS count FROM changed`, params);
    return count;
  }
}
