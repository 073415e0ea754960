import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Channel, MessageTemplateEntity, MessageTemplateKind } from '../entities';

export interface TemplateKey {
  merchantId: string;
  kind: MessageTemplateKind;
  locale: string;
  /** Null: the template for every channel. */
  channel: Channel | null;
}

const TEMPLATE_COLUMNS = `id, merchant_id AS "merchantId", kind, locale, channel, subject, body, content_sid AS "contentSid",
  content_variables AS "contentVariables", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A template's text, and for WhatsApp its approved Content template (null elsewhere). */
export type TemplateText = Pick<MessageTemplateEntity, 'subject' | 'body' | 'contentSid' | 'contentVariables'>;

/** Merchants' own texts; every query is scoped to one merchant. */
@Injectable()
export class MessageTemplateRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates or replaces the template at its key; `created` says which. */
  async put(key: TemplateKey, text: TemplateText): Promise<{ template: MessageTemplateEntity; created: boolean }> {
    const rows: (MessageTemplateEntity & { created: boolean })[] = await this.db.query(
      `INSERT INTO message_templates (id, merchant_id, kind, locale, channel, subject, body, content_sid, content_variables)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (merchant_id, kind, locale, coalesce(channel, ''))
       DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, content_sid = EXCLUDED.content_sid,
                     content_variables = EXCLUDED.content_variables, updated_at = now()
       RETURNING ${TEMPLATE_COLUMNS}, xmax = 0 AS created`,
      [randomUUID(), key.merchantId, key.kind, key.locale, key.channel, text.subject, text.body, text.contentSid, text.contentVariables],
    );
    const { created, ...template } = rows[0];
    return { template, created };
  }

  async find(key: TemplateKey): Promise<MessageTemplateEntity | null> {
    const rows: MessageTemplateEntity[] = await this.db.query(
      `SELECT ${TEMPLATE_COLUMNS} FROM message_templates
       WHERE merchant_id = $1 AND kind = $2 AND locale = $3 AND channel IS NOT DISTINCT FROM $4`,
      [key.merchantId, key.kind, key.locale, key.channel],
    );
    return rows[0] ?? null;
  }

  async list(merchantId: string, filter: { kind?: MessageTemplateKind; locale?: string } = {}): Promise<MessageTemplateEntity[]> {
    const where = ['merchant_id = $1'];
    const params: unknown[] = [merchantId];
    if (filter.kind) where.push(`kind = $${params.push(filter.kind)}`);
    if (filter.locale) where.push(`locale = $${params.push(filter.locale)}`);
    return this.db.query(`SELECT ${TEMPLATE_COLUMNS} FROM message_templates WHERE ${where.join(' AND ')} ORDER BY kind, locale, channel NULLS FIRST`, params);
  }

  /** Returns true when there was one to delete. */
  async delete(key: TemplateKey): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected]: [unknown[], number] = await this.db.query(
      `DELETE FROM message_templates WHERE merchant_id = $1 AND kind = $2 AND locale = $3 AND channel IS NOT DISTINCT FROM $4`,
      [key.merchantId, key.kind, key.locale, key.channel],
    );
    return affected > 0;
  }

  /** The templates that could serve a message of `kind` on `channel` in any of `locales`: the caller picks the best. */
  async candidates(merchantId: string, kind: MessageTemplateKind, locales: string[], channel: Channel): Promise<MessageTemplateEntity[]> {
    return this.db.query(
      `SELECT ${TEMPLATE_COLUMNS} FROM message_templates
       WHERE merchant_id = $1 AND kind = $2 AND locale = ANY($3::text[]) AND (channel IS NULL OR channel = $4)`,
      [merchantId, kind, locales, channel],
    );
  }
}
