import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/** One line of the audit log: who did what to which subject, when. */
export interface AuditRecord {
  id: string;
  createdAt: Date;
  actor: string;
  action: string;
  subject: string | null;
  detail: Record<string, unknown>;
}

const AUDIT_COLUMNS = `id, created_at AS "createdAt", actor, action, subject, detail`;

/**
 * The audit log's table. Only ever appended to: there is no update or delete here, and the table's trigger refuses
 * them from anywhere else too.
 */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async append(entry: Omit<AuditRecord, 'id' | 'createdAt'>): Promise<AuditRecord> {
    const rows: AuditRecord[] = await this.db.query(
      `INSERT INTO audit_entries (id, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING ${AUDIT_COLUMNS}`,
      [randomUUID(), entry.actor, entry.action, entry.subject, JSON.stringify(entry.detail)],
    );
    return rows[0];
  }

  /** Newest first; the cursor is the last row of the previous page. */
  async page(after: { createdAt: Date; id: string } | undefined, limit: number): Promise<AuditRecord[]> {
    const params: unknown[] = [limit];
    const where = after
      ? `WHERE (a.created_at, a.id) < (coalesce((SELECT created_at FROM audit_entries WHERE id = $2::uuid), $3::timestamptz), $2::uuid)`
      : '';
    if (after) params.push(after.id, after.createdAt);
    return this.db.query(`SELECT ${AUDIT_COLUMNS} FROM audit_entries a ${where} ORDER BY a.created_at DESC, a.id DESC LIMIT $1`, params);
  }
}
