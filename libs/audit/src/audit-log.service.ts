import { Injectable } from '@nestjs/common';
import { AuditRecord, AuditRepository } from '@herald/persistence';

/** What the audit log records: every admin action, and every API key made or revoked. */
export const AUDIT_ACTIONS = [
  'merchant.created',
  'merchant.disabled',
  'merchant.enabled',
  'dead_letters.redriven',
  'api_key.created',
  'api_key.revoked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Who did what, when: append-only (the table refuses UPDATE and DELETE). `actor` is the admin's user name (ADMIN_USER)
 * or, for what a merchant does with its own key, `merchant:<id>`; `subject` what it was done to (a merchant's id, a key's).
 */
@Injectable()
export class AuditLog {
  constructor(private readonly entries: AuditRepository) {}

  record(actor: string, action: AuditAction, subject: string | null, detail: Record<string, unknown> = {}): Promise<AuditRecord> {
    return this.entries.append({ actor, action, subject, detail });
  }

  /** Newest first, `limit` entries before the cursor's entry. */
  page(after: { createdAt: Date; id: string } | undefined, limit: number): Promise<AuditRecord[]> {
    return this.entries.page(after, limit);
  }
}
