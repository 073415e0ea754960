import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure of a customer's personal data (DELETE /v1/customers/:id). The customer row stays, its contacts and name
 * blanked, so orders, counts, statuses and timestamps keep their customer; `erased_at` takes it out of the customers
 * the API and the orders' contact matching know. Each request is an `erasures` row, the source of truth a worker's job
 * is rebuilt from.
 *
 * Opt-outs outlive the erasure as a keyed hash of the contact, written where the contact was (`opt_outs.phone`,
 * `email_opt_outs.email`, `consent_withdrawals.contact`): `herald_contact_hash`, HMAC-SHA256 under a key derived from
 * SECRET_KEY. The key never reaches the database: the caller passes its two HMAC pad blocks (see ContactHashing), so a
 * copy of the database alone cannot test phone numbers against the hashes.
 */
export class CustomerErasure1765500000000 implements MigrationInterface {
  name = 'CustomerErasure1765500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE customers ADD COLUMN erased_at timestamptz`);
    // Orders match customers by their contacts among those not erased: an erased customer (contacts blanked, or about to
    // be) is never matched again, and two erased customers of one merchant do not collide on their empty contacts.
    await db.query(`DROP INDEX customers_identity`);
    await db.query(
      `CREATE UNIQUE INDEX customers_identity ON customers (merchant_id, coalesce(phone, ''), coalesce(email, '')) WHERE erased_at IS NULL`,
    );
    await db.query(`
      CREATE TABLE erasures (
        id uuid PRIMARY KEY,
        merchant_id uuid NOT NULL REFERENCES merchants(id),
        customer_id uuid NOT NULL UNIQUE REFERENCES customers(id),
        status text NOT NULL CHECK (status IN ('requested', 'running', 'completed', 'failed')),
        -- What was erased, by kind (notifications, events, opt-outs hashed…).
        counts jsonb NOT NULL DEFAULT '{}',
        -- Set once the Postgres part is committed: a resumed erasure goes on with what remains (dead letters, files).
        scrubbed_at timestamptz,
        -- A stable code, never personal data.
        error_code text,
        requested_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX erasures_unfinished ON erasures (requested_at) WHERE status IN ('requested', 'running')`);
    // One-off messages name no customer: an erasure finds those sent to the customer's contacts by this index.
    await db.query(`CREATE INDEX notifications_one_off_recipient ON notifications (merchant_id, recipient) WHERE customer_id IS NULL`);
    // Where hashed opt-outs are: a check computes a contact's hash only for a sender or merchant that has some.
    await db.query(`CREATE INDEX opt_outs_hashed ON opt_outs (sender) WHERE phone LIKE 'hmac-sha256:%'`);
    await db.query(`CREATE INDEX email_opt_outs_hashed ON email_opt_outs (merchant_id) WHERE email LIKE 'hmac-sha256:%'`);
    await db.query(`CREATE INDEX consent_withdrawals_hashed ON consent_withdrawals (merchant_id, channel) WHERE contact LIKE 'hmac-sha256:%'`);
    // HMAC-SHA256 (RFC 2104) with Postgres' own sha256: `pads` is the key's inner pad block followed by its outer one.
    await db.query(`
      CREATE FUNCTION herald_contact_hash(contact text, pads bytea) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT 'hmac-sha256:' || encode(sha256(substring(pads FROM 65 FOR 64) || sha256(substring(pads FROM 1 FOR 64) || convert_to(contact, 'UTF8'))), 'hex')
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Hashed opt-outs cannot be turned back into contacts: they go, and with them the opt-outs of erased customers.
    await db.query(`DELETE FROM opt_outs WHERE phone LIKE 'hmac-sha256:%'`);
    await db.query(`DELETE FROM email_opt_outs WHERE email LIKE 'hmac-sha256:%'`);
    await db.query(`DELETE FROM consent_withdrawals WHERE contact LIKE 'hmac-sha256:%'`);
    await db.query(`DROP FUNCTION herald_contact_hash(text, bytea)`);
    await db.query(`DROP INDEX opt_outs_hashed, email_opt_outs_hashed, consent_withdrawals_hashed`);
    await db.query(`DROP INDEX notifications_one_off_recipient`);
    await db.query(`DROP TABLE erasures`);
    await db.query(`DROP INDEX customers_identity`);
    // Erased customers have no contacts left; the old index cannot tell two of them apart, so they take placeholders.
    await db.query(`UPDATE customers SET email = 'erased-' || id || '@invalid' WHERE erased_at IS NOT NULL AND phone IS NULL AND email IS NULL`);
    await db.query(`CREATE UNIQUE INDEX customers_identity ON customers (merchant_id, coalesce(phone, ''), coalesce(email, ''))`);
    await db.query(`ALTER TABLE customers DROP COLUMN erased_at`);
  }
}
