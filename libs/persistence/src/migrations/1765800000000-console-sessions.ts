import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions of the merchant console: a browser signs in with an API key and gets an opaque cookie; the row (keyed by the
 * cookie's SHA-256) points at the key, so revoking the key deletes its sessions with it. Kept in Postgres, so a session
 * outlives an API restart and every API process accepts it.
 */
export class ConsoleSessions1765800000000 implements MigrationInterface {
  name = 'ConsoleSessions1765800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE console_sessions (
        id_hash text PRIMARY KEY,
        api_key_id uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX console_sessions_api_key ON console_sessions (api_key_id)`);
    await db.query(`CREATE INDEX console_sessions_expires ON console_sessions (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE console_sessions`);
  }
}
