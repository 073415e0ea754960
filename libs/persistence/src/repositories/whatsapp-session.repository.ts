import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * When each customer last wrote to a WhatsApp sender: WhatsApp lets a business send free-form messages only within 24
 * hours of it (the session window). Postgres is the source of truth; a sender is Twilio's `whatsapp:+…` address.
 */
@Injectable()
export class WhatsAppSessionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The customer at `phone` (E.164) wrote to `sender` at `at`; an older message (a webhook retried late) changes nothing. */
  async recordInbound(sender: string, phone: string, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO whatsapp_sessions (sender, phone, last_inbound_at) VALUES ($1, $2, $3)
       ON CONFLICT (sender, phone) DO UPDATE SET last_inbound_at = greatest(whatsapp_sessions.last_inbound_at, EXCLUDED.last_inbound_at)`,
      [sender, phone, at],
    );
  }

  /** When the customer at `phone` last wrote to `sender`; null when never (or not since its data was erased). */
  async lastInboundAt(sender: string, phone: string): Promise<Date | null> {
    const rows: { lastInboundAt: Date }[] = await this.db.query(
      `SELECT last_inbound_at AS "lastInboundAt" FROM whatsapp_sessions WHERE sender = $1 AND phone = $2`,
      [sender, phone],
    );
    return rows[0]?.lastInboundAt ?? null;
  }
}
