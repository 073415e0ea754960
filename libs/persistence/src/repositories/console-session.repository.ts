import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeyEntity, MerchantEntity } from '../entities';
import type { AuthenticatedKey } from './api-key.repository';

/** A console session still in force: the key it acts with (and its merchant), its absolute end and last use. */
export interface LiveConsoleSession {
  key: AuthenticatedKey;
  expiresAt: Date;
  lastSeenAt: Date;
}

/** How many ended sessions one sign-in clears on its way: enough to keep the table small, little enough to stay quick. */
const SWEEP_BATCH = 100;

/**
 * Console sessions, keyed by the SHA-256 of their cookie. Times are the database's own clock (`now()`), so every API
 * process agrees on when a session ends.
 */
@Injectable()
export class ConsoleSessionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores a new session, and clears a batch of ended ones (past their end, or idle longer than `idleSeconds`). */
  async create(session: { idHash: string; apiKeyId: string; lifetimeSeconds: number; idleSeconds: number }): Promise<Date> {
    const [row] = await this.db.query<{ expires_at: Date }[]>(
      `INSERT INTO console_sessions (id_hash, api_key_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires_at`,
      [session.idHash, session.apiKeyId, session.lifetimeSeconds],
    );
    await this.db.query(
      `DELETE FROM console_sessions WHERE id_hash IN (
         SELECT id_hash FROM console_sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $1) LIMIT ${SWEEP_BATCH})`,
      [session.idleSeconds],
    );
    return row.expires_at;
  }

  /** The session with this hash, unless it has passed its end or been idle longer than `idleSeconds`. */
  async findLive(idHash: string, idleSeconds: number): Promise<LiveConsoleSession | null> {
    const { entities, raw } = await this.db
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('key')
      .innerJoinAndMapOne('key.merchant', MerchantEntity, 'merchant', 'merchant.id = key.merchant_id')
      .innerJoin('console_sessions', 'session', 'session.api_key_id = key.id')
      .addSelect(['session.expires_at AS session_expires_at', 'session.last_seen_at AS session_last_seen_at'])
      .where('session.id_hash = :idHash', { idHash })
      .andWhere('session.expires_at > now()')
      .andWhere('session.last_seen_at > now() - make_interval(secs => :idleSeconds)', { idleSeconds })
      .getRawAndEntities<{ session_expires_at: Date; session_last_seen_at: Date }>();
    if (!entities.length) return null;
    return { key: entities[0] as AuthenticatedKey, expiresAt: raw[0].session_expires_at, lastSeenAt: raw[0].session_last_seen_at };
  }

  /** Records a use now, unless one was recorded less than `granularitySeconds` ago (most requests write nothing). */
  async touch(idHash: string, granularitySeconds: number): Promise<void> {
    await this.db.query(
      `UPDATE console_sessions SET last_seen_at = now() WHERE id_hash = $1 AND last_seen_at <= now() - make_interval(secs => $2)`,
      [idHash, granularitySeconds],
    );
  }

  async delete(idHash: string): Promise<void> {
    await this.db.query(`DELETE FROM console_sessions WHERE id_hash = $1`, [idHash]);
  }
}
