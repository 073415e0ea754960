import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ContactHashing, namesContact } from '../contact-hash';
import type { Channel } from '../entities';
import type { Tenant } from './test-world';

/**
 * The `sender` of WhatsApp opt-outs: a STOP sent over WhatsApp stops Herald's WhatsApp (one sender, TWILIO_WHATSAPP_FROM)
 * and nothing else; kept apart from SMS senders' lists, and kept when the operator changes that number.
 */
export const WHATSAPP_OPT_OUT_SENDER = 'whatsapp';

/**
 * Who may not be messaged. The customer's own SMS opt-outs are per sender number (every merchant sending from it is
 * stopped, as carriers apply a STOP); a merchant's withdrawal is that merchant's alone, kept apart so neither can
 * undo the other's. An erased customer's are kept as a keyed hash of the contact (see ContactHashing): lifting one
 * lifts that too.
 */
@Injectable()
export class OptOutRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hashing: ContactHashing,
  ) {}

  /** The customer's own (STOP, or the provider said so). Returns true if this changed anything (a repeated STOP is not news). */
  async optOut(sender: string, phone: string, source: 'keyword' | 'provider'): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO opt_outs (sender, phone, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
      [sender, phone, source],
    );
    return rows.length > 0;
  }

  /**
   * The opt-out list a STOP to `number` at `provider` applies to beside that number's own: the merchant's `sms_from`
   * when the number is that merchant's own at the provider (its SMS may go out from either), else null.
   */
  async merchantSenderBehind(provider: string, number: string): Promise<string | null> {
    const rows: { smsFrom: string | null }[] = await this.db.query(
      `SELECT sms_from AS "smsFrom" FROM merchants WHERE sms_from_by_provider @> jsonb_build_object($1::text, $2::text) LIMIT 1`,
      [provider, number],
    );
    return rows[0]?.smsFrom ?? null;
  }

  /** The customer's START: lifts its opt-out of the sender; merchants' own withdrawals stay. */
  async optIn(sender: string, phone: string): Promise<boolean> {
    const [{ deleted }]: { deleted: number }[] = await this.db.query(
      `WITH gone AS (DELETE FROM opt_outs WHERE sender = $1 AND ${namesContact('phone', '$2', '$3')} RETURNING 1) SELECT count(*)::int AS deleted FROM gone`,
      [sender, phone, this.hashing.pads],
    );
    return deleted > 0;
  }

  /**
   * `contact`: the phone number, or the email address (kept lower-case). `test`: a withdrawal made with a test key
   * holds for the merchant's test customers only.
   */
  async withdrawByMerchant(tenant: Tenant, channel: Channel, contact: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(`INSERT INTO consent_withdrawals (merchant_id, test, channel, contact) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      tenant.merchantId,
      tenant.test,
      channel,
      channel === 'email' ? contact.toLowerCase() : contact,
    ]);
  }

  /** Takes back the merchant's own withdrawal (in its world), and only that. */
  async restoreByMerchant(tenant: Tenant, channel: Channel, contact: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(`DELETE FROM consent_withdrawals WHERE merchant_id = $1 AND test = $2 AND channel = $3 AND ${namesContact('contact', '$4', '$5')}`, [
      tenant.merchantId,
      tenant.test,
      channel,
      channel === 'email' ? contact.toLowerCase() : contact,
      this.hashing.pads,
    ]);
  }
}
