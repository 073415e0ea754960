import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ContactHashing, hasContactRow } from '../contact-hash';
import { MerchantEntity, NotificationEntity, NotificationStatus, OrderStatus } from '../entities';
import { EventLogCommits } from '../event-log-commits';
import { nextEventXid, notificationColumns, notificationOf } from './notification.rows';
import { runPrepared } from './prepared-statement';
import { StatementBatcher } from './statement-batcher';
import { WHATSAPP_OPT_OUT_SENDER } from './opt-out.repository';

/** A worker's exclusive right to send a notification, with what the notification was before the claim. */
export type Claim = NotificationEntity & { previousStatus: NotificationStatus; previousUpdatedAt: Date };

export interface ClaimRequest {
  id: string;
  /** A `sending` claim older than this belongs to a worker that died: it may be taken over. */
  staleAfterMs: number;
  /** Only if due by then: a reschedule may have moved it later. */
  dueBy: Date;
  detail: Record<string, unknown>;
}

export interface DeliveryClaimRequest extends ClaimRequest {
  /**
   * Still wanted: not opted out (the merchant's own SMS number, else this one), its order not cancelled, and for a
   * reminder, its pickup still after `now`.
   */
  defaultSmsSender: string | null;
  now: Date;
}

/** A claim made together with the read of what its send needs. */
export interface DeliveryClaim {
  claim: Claim;
  context: DeliveryContext;
}

export interface SentWrite {
  id: string;
  provider: string;
  providerMessageId: string;
  sentAt: Date;
  subject: string | null;
  body: string;
  /** SMS only: how the text travelled. */
  encoding: 'GSM-7' | 'UCS-2' | null;
  segments: number | null;
  detail: Record<string, unknown>;
}

/** What the worker needs to render and send a notification, read in one query. */
export interface DeliveryContext {
  notification: NotificationEntity;
  /** The recipient asked the SMS sender (the merchant's own number, else the platform's) to stop, or the merchant's email to. */
  optedOut: boolean;
  merchant: Pick<MerchantEntity, 'id' | 'name' | 'timezone' | 'defaultLocale' | 'smsFrom' | 'smsFromByProvider' | 'emailSenderName' | 'disabledAt'>;
  order: { reference: string; pickupAt: Date; status: OrderStatus } | null;
  customerName: string | null;
}

/**
 * Whether the recipient may not get this channel: it opted out (SMS per sender: STOP; WhatsApp: STOP over WhatsApp;
 * email per merchant: unsubscribe, spam report), or the merchant withdrew its consent; also when that was an erased
 * customer's, kept hashed (`pads`: the placeholder of ContactHashing.pads).
 */
const OPTED_OUT = (n: string, m: string, defaultSmsSender: string, pads: string) =>
  `(CASE ${n}.channel WHEN 'sms' THEN ${hasContactRow('opt_outs', 'phone', `sender = coalesce(${m}.sms_from, ${defaultSmsSender})`, `${n}.recipient`, pads)}
     WHEN 'whatsapp' THEN ${hasContactRow('opt_outs', 'phone', `sender = '${WHATSAPP_OPT_OUT_SENDER}'`, `${n}.recipient`, pads)}
     ELSE ${hasContactRow('email_opt_outs', 'email', `merchant_id = ${n}.merchant_id`, `lower(${n}.recipient)`, pads)} END
   OR ${hasContactRow(
     'consent_withdrawals',
     'contact',
     `merchant_id = ${n}.merchant_id AND test = ${n}.test AND channel = ${n}.channel`,
     `CASE ${n}.channel WHEN 'email' THEN lower(${n}.recipient) ELSE ${n}.recipient END`,
     pads,
   )})`;
/** The merchant, order and customer columns of a delivery context, from `m`, `o` and `c`. */
const CONTEXT_COLUMNS = `m.name AS "merchantName", m.timezone AS "merchantTimezone", m.default_locale AS "merchantDefaultLocale",
  m.sms_from AS "merchantSmsFrom", m.sms_from_by_provider AS "merchantSmsFromByProvider", m.email_sender_name AS "merchantEmailSenderName", m.disabled_at AS "merchantDisabledAt",
  o.reference AS "orderReference", o.pickup_at AS "orderPickupAt", o.status AS "orderStatus", c.name AS "customerName"`;

function toDeliveryContext(row: Record<string, unknown>, notification: NotificationEntity = notificationOf(row)): DeliveryContext {
  return {
    notification,
    optedOut: row.optedOut === true,
    merchant: {
      id: notification.merchantId,
      name: row.merchantName as string,
      timezone: row.merchantTimezone as string,
      defaultLocale: row.merchantDefaultLocale as string,
      smsFrom: row.merchantSmsFrom as string | null,
      smsFromByProvider: (row.merchantSmsFromByProvider as MerchantEntity['smsFromByProvider'] | null) ?? {},
      emailSenderName: row.merchantEmailSenderName as string | null,
      disabledAt: (row.merchantDisabledAt as Date | null) ?? null,
    },
    order: row.orderReference
      ? { reference: row.orderReference as string, pickupAt: row.orderPickupAt as Date, status: row.orderStatus as OrderStatus }
      : null,
    customerName: (row.customerName as string | null) ?? null,
  };
}

/**
 * The statements of the send path: the claim before a provider call (read together with what the send needs), and the
 * `sent` write after it, each a group commit shared by concurrent sends. A failed send's status change is an ordinary
 * guarded transition (NotificationRepository.transition).
 */
@Injectable()
export class DeliveryRepository {
  // A send's result is one of the two commits a send costs Postgres: concurrent sends share it.
  private readonly sentWrites = new StatementBatcher((writes: SentWrite[]) => this.markAllSent(writes));
  // The other commit: the claims of concurrent sends, each read with what its send needs, share one statement too.
  private readonly deliveryClaims = new StatementBatcher((requests: DeliveryClaimRequest[]) => this.claimAllForDelivery(requests));


  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly commits: EventLogCommits,
    private readonly hashing: ContactHashing,
  ) {}

  /** `sending → sent` with the provider's receipt, its event logged (see markAllSent for a receipt that came first). */
  markSent(write: SentWrite): Promise<void> {
    return this.sentWrites.submit(write);
  }

  /**
   * `defaultSmsSender`: the number SMS go out from unless the merchant has its own; the opt-out list of the number
   * actually used applies to SMS recipients.
   */
  async findDeliveryContext(id: string, defaultSmsSender: string | null = null): Promise<DeliveryContext | null> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT ${notificationColumns('n')}, ${CONTEXT_COLUMNS}, ${OPTED_OUT('n', 'm', '$2', '$3')} AS "optedOut"
       FROM notifications n
       JOIN merchants m ON m.id = n.merchant_id
       LEFT JOIN orders o ON o.id = n.order_id
       LEFT JOIN customers c ON c.id = coalesce(n.customer_id, o.customer_id)
       WHERE n.id = $1`,
      [id, defaultSmsSender, this.hashing.pads],
    );
    return rows[0] ? toDeliveryContext(rows[0]) : null;
  }


  /**
   * Claims the notification for one send: `scheduled`/`queued` → `sending`, or a `sending` claim older than
   * `staleAfterMs` (its worker died), only if due by `dueBy`. Logs `queued` (at its due time) when it was still
   * `scheduled`, then `sending`. Null when someone else has it, it is not due, its merchant is disabled or its recipient
   * was erased. The guard is on the row being updated, so of two concurrent claims exactly one wins.
   */
  async claim(request: ClaimRequest): Promise<Claim | null> {
    const rows: (Claim & { eventXid?: string })[] = await this.db.query(
      `WITH changed AS (
         UPDATE notifications n SET status = 'sending', attempts = n.attempts + 1, updated_at = now(), ${nextEventXid('n')}
         FROM notifications before
         WHERE n.id = $1 AND before.id = n.id AND n.scheduled_for <= $3 AND n.recipient <> ''
           AND (n.status IN ('scheduled', 'queued') OR (n.status = 'sending' AND n.updated_at < now() - make_interval(secs => $2)))
           AND NOT EXISTS (SELECT 1 FROM merchants m WHERE m.id = n.merchant_id AND m.disabled_at IS NOT NULL)
         RETURNING ${notificationColumns('n')}, n.last_event_xid AS "eventXid",
                   before.status AS "previousStatus", before.updated_at AS "previousUpdatedAt"
       ), logged AS (
         INSERT INTO notification_events (notification_id, merchant_id, test, order_xid, status, at, detail)
         SELECT "id", "merchantId", "test", "eventXid", 'queued', "scheduledFor", jsonb_build_object('due', "scheduledFor") FROM changed WHERE "previousStatus" = 'scheduled'
         UNION ALL
         SELECT "id", "merchantId", "test", "eventXid", 'sending', clock_timestamp(), $4::jsonb FROM changed
       )
       SELECT * FROM changed`,
      [request.id, request.staleAfterMs / 1000, request.dueBy, request.detail],
    );
    const claim = rows[0];
    if (!claim) return null;
    delete claim.eventXid;
    this.announce([claim]);
    return claim;
  }

  /**
   * The read and the claim of a send in one statement, shared with the claims of concurrent sends (one statement and
   * one commit for all of them): claims as `claim` does, only if the send is still wanted (see DeliveryClaimRequest),
   * and returns the claim with what sending needs. Null when it could not be claimed (someone else has it, it is not
   * due, not wanted or final, its merchant is disabled, its recipient erased, or it is gone): the caller then reads the
   * notification to say why.
   */
  claimForDelivery(request: DeliveryClaimRequest): Promise<DeliveryClaim | null> {
    return this.deliveryClaims.submit(request);
  }

  private async claimAllForDelivery(requests: DeliveryClaimRequest[]): Promise<(DeliveryClaim | null)[]> {
    const rows = await runPrepared<Record<string, unknown>>(
      this.db,
      'herald_claim_for_delivery',
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::float8[], $5::text[], $6::jsonb[])
           WITH ORDINALITY AS t(id, due_by, now, stale_secs, default_sms_sender, detail, ord)
       ), changed AS (
         UPDATE notifications n SET status = 'sending', attempts = n.attempts + 1, updated_at = now(), ${nextEventXid('n')}
         FROM input i
         JOIN notifications before ON before.id = i.id
         JOIN merchants m ON m.id = before.merchant_id
         LEFT JOIN orders o ON o.id = before.order_id
         LEFT JOIN customers c ON c.id = coalesce(before.customer_id, o.customer_id)
         WHERE n.id = i.id AND n.scheduled_for <= i.due_by AND n.recipient <> ''
           AND (n.status IN ('scheduled', 'queued') OR (n.status = 'sending' AND n.updated_at < now() - make_interval(secs => i.stale_secs)))
           AND m.disabled_at IS NULL
           AND NOT ${OPTED_OUT('n', 'm', 'i.default_sms_sender', '$7')}
           AND (o.id IS NULL OR (o.status <> 'cancelled' AND NOT (n.kind = 'reminder' AND o.pickup_at <= i.now)))
         RETURNING i.ord AS "ord", i.detail AS "claimDetail", ${notificationColumns('n')}, n.last_event_xid AS "eventXid",
                   before.status AS "previousStatus", before.updated_at AS "previousUpdatedAt", ${CONTEXT_COLUMNS}
       ), logged AS (
         INSERT INTO notification_events (notification_id, merchant_id, test, order_xid, status, at, detail)
         SELECT "id", "merchantId", "test", "eventXid", 'queued', "scheduledFor", jsonb_build_object('due', "scheduledFor") FROM changed WHERE "previousStatus" = 'scheduled'
         UNION ALL
         SELECT "id", "merchantId", "test", "eventXid", 'sending', clock_timestamp(), "claimDetail" FROM changed
       )
       SELECT * FROM changed`,
      [
        requests.map((r) => r.id),
        requests.map((r) => r.dueBy),
        requests.map((r) => r.now),
        requests.map((r) => r.staleAfterMs / 1000),
        requests.map((r) => r.defaultSmsSender),
        requests.map((r) => JSON.stringify(r.detail)),
        this.hashing.pads,
      ],
    );
    const claims: (DeliveryClaim | null)[] = requests.map(() => null);
    for (const row of rows) {
      const claim = notificationOf(row) as Claim;
      claim.previousStatus = row.previousStatus as NotificationStatus;
      claim.previousUpdatedAt = row.previousUpdatedAt as Date;
      claims[Number(row.ord) - 1] = { claim, context: toDeliveryContext(row, claim) };
    }
    this.announce(rows as { merchantId: string }[]);
    return claims;
  }

  /**
   * A delivery receipt can overtake the worker's own write: the notification is then already `delivered` or
   * `undelivered`. It keeps that status (no new event) and gets the send's facts (when, what text, which provider id).
   * So a row is `sent` afterwards exactly when it was `sending` before: the event is logged for those.
   */
  private async markAllSent(writes: SentWrite[]): Promise<void[]> {
    const logged = await runPrepared<{ merchantId: string }>(
      this.db,
      'herald_mark_sent',
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::int[], $9::jsonb[])
           AS t(id, provider, provider_message_id, sent_at, subject, body, encoding, segments, detail)
       ), changed AS (
         UPDATE notifications n
         SET status = CASE WHEN n.status = 'sending' THEN 'sent' ELSE n.status END, provider = i.provider,
             provider_message_id = coalesce(n.provider_message_id, i.provider_message_id), sent_at = i.sent_at,
             subject = i.subject, body = i.body, encoding = i.encoding, segments = i.segments, updated_at = now(),
             last_event_xid = CASE WHEN n.status = 'sending' THEN greatest(n.last_event_xid, pg_current_xact_id()) ELSE n.last_event_xid END
         FROM input i
         WHERE n.id = i.id AND (n.status = 'sending' OR (n.status IN ('delivered', 'undelivered') AND n.sent_at IS NULL))
         RETURNING n.id, n.merchant_id, n.test, n.last_event_xid, i.detail, n.status
       )
       INSERT INTO notification_events (notification_id, merchant_id, test, order_xid, status, detail)
       SELECT id, merchant_id, test, last_event_xid, 'sent', detail FROM changed WHERE status = 'sent'
       RETURNING merchant_id AS "merchantId"`,
      [
        writes.map((w) => w.id),
        writes.map((w) => w.provider),
        writes.map((w) => w.providerMessageId),
        writes.map((w) => w.sentAt),
        writes.map((w) => w.subject),
        writes.map((w) => w.body),
        writes.map((w) => w.encoding),
        writes.map((w) => w.segments),
        writes.map((w) => JSON.stringify(w.detail)),
      ],
    );
    this.announce(logged);
    return writes.map(() => undefined);
  }

  /** Tells listeners (libs/events) that these notifications' new events are committed: every statement here commits on its own. */
  private announce(written: { merchantId: string }[]): void {
    this.commits.committed(written.map((w) => w.merchantId));
  }
}
