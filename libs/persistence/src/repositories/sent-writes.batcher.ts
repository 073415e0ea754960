import { DataSource } from 'typeorm';

export interface SentWrite {
  id: string;
  provider: string;
  providerMessageId: string;
  sentAt: Date;
  subject: string | null;
  body: string;
  detail: Record<string, unknown>;
}

interface Pending {
  write: SentWrite;
  resolve: (recorded: boolean) => void;
  reject: (error: unknown) => void;
}

/** Writes that arrive within this long of each other share one statement and one commit. */
const GATHER_MS = 2;
const MAX_BATCH = 100;

/**
 * Records `sending → sent` for many notifications in one statement: each send's result is durable before its job
 * completes, but concurrent sends share the commit, which is most of what a send costs Postgres.
 */
export class SentWritesBatcher {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: DataSource) {}

  /** Resolves true when recorded, false when the notification was no longer `sending` (a receipt overtook it). */
  record(write: SentWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      if (this.pending.length >= MAX_BATCH) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), GATHER_MS);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length) void this.write(batch);
  }

  private async write(batch: Pending[]): Promise<void> {
    const writes = batch.map((p) => p.write);
    try {
      const rows: { id: string }[] = await this.db.query(
        `WITH input AS (
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::jsonb[])
             AS t(id, provider, provider_message_id, sent_at, subject, body, detail)
         ), changed AS (
           UPDATE notifications n
           SET status = 'sent', provider = i.provider, provider_message_id = i.provider_message_id, sent_at = i.sent_at,
               subject = i.subject, body = i.body, updated_at = now()
           FROM input i WHERE n.id = i.id AND n.status = 'sending'
           RETURNING n.id, i.detail
         ), logged AS (
           INSERT INTO notification_events (notification_id, status, detail) SELECT id, 'sent', detail FROM changed
         )
         SELECT id FROM changed`,
        [
          writes.map((w) => w.id),
          writes.map((w) => w.provider),
          writes.map((w) => w.providerMessageId),
          writes.map((w) => w.sentAt),
          writes.map((w) => w.subject),
          writes.map((w) => w.body),
          writes.map((w) => JSON.stringify(w.detail)),
        ],
      );
      const recorded = new Set(rows.map((row) => row.id));
      batch.forEach((p) => p.resolve(recorded.has(p.write.id)));
    } catch (error) {
      batch.forEach((p) => p.reject(error));
    }
  }
}
