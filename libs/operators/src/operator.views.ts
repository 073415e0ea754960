import { z } from 'zod';
import { instantView } from '@herald/notifications';
import type { AuditRecord, MerchantEntity } from '@herald/persistence';

const nextCursor = z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null });

export const adminMerchantView = z
  .object({
    id: z.uuid().meta({ description: 'The merchant id.', example: '5d7e9f1a-3b2c-4d6e-8f0a-1b3c5d7e9f2a' }),
    name: z.string().meta({ description: 'The shop’s name.', example: 'Boulangerie Lune' }),
    timezone: z.string().meta({ description: 'IANA time zone.', example: 'Europe/Paris' }),
    status: z.enum(['active', 'disabled']).meta({
      description: '`disabled`: its keys answer 401 `merchant_disabled` and its due sends are held (still pending) until it is enabled.',
      example: 'active',
    }),
    disabledAt: instantView('Since when it is disabled; null while active').nullable(),
    createdAt: instantView('When it was created', '2026-11-30T16:20:00.000Z'),
  })
  .meta({ id: 'AdminMerchant', description: 'A merchant as operators see it.' });
export type AdminMerchantView = z.infer<typeof adminMerchantView>;

export const adminMerchantPageView = z
  .object({ data: z.array(adminMerchantView).meta({ description: 'Newest first.' }), nextCursor })
  .meta({ id: 'AdminMerchantPage', description: 'One page of merchants.' });
export type AdminMerchantPageView = z.infer<typeof adminMerchantPageView>;

export const toAdminMerchantView = (merchant: MerchantEntity): AdminMerchantView => ({
  id: merchant.id,
  name: merchant.name,
  timezone: merchant.timezone,
  status: merchant.disabledAt ? 'disabled' : 'active',
  disabledAt: merchant.disabledAt ? new Date(merchant.disabledAt).toISOString() : null,
  createdAt: new Date(merchant.createdAt).toISOString(),
});

export const auditEntryView = z
  .object({
    id: z.uuid().meta({ description: 'The entry id.', example: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d' }),
    at: instantView('When it was done'),
    actor: z.string().meta({ description: 'Who did it: the admin’s user name (ADMIN_USER), `admin` while none is configured.', example: 'ops' }),
    action: z.string().meta({
      description:
        'What was done: `merchant.created`, `merchant.disabled`, `merchant.enabled`, `dead_letters.redriven`; API keys add `api_key.created`, `api_key.revoked`.',
      example: 'merchant.disabled',
    }),
    subject: z.string().nullable().meta({ description: 'What it was done to (a merchant’s id); null for a redrive, whose filter is in `detail`.', example: '5d7e9f1a-3b2c-4d6e-8f0a-1b3c5d7e9f2a' }),
    detail: z.record(z.string(), z.unknown()).meta({ description: 'What else the action says (a redrive’s filter and count, a new merchant’s name).', example: { name: 'Boulangerie Lune' } }),
  })
  .meta({ id: 'AuditEntry', description: 'One admin action, as the append-only audit log keeps it.' });
export type AuditEntryView = z.infer<typeof auditEntryView>;

export const auditPageView = z
  .object({ data: z.array(auditEntryView).meta({ description: 'Newest first.' }), nextCursor })
  .meta({ id: 'AuditPage', description: 'One page of the audit log.' });
export type AuditPageView = z.infer<typeof auditPageView>;

export const toAuditEntryView = (entry: AuditRecord): AuditEntryView => ({
  id: entry.id,
  at: new Date(entry.createdAt).toISOString(),
  actor: entry.actor,
  action: entry.action,
  subject: entry.subject,
  detail: entry.detail,
});
