import { Injectable } from '@nestjs/common';
import { deriveKey, HeraldConfig, InjectConfig } from '@herald/config';

const BLOCK_BYTES = 64;

/**
 * The inner and outer pad blocks of HMAC-SHA256 under `key` (RFC 2104), one after the other: what Postgres'
 * `herald_contact_hash(contact, pads)` needs to compute the HMAC with its own sha256, the key itself never sent.
 */
export function hmacPads(key: Buffer): Buffer {
  if (key.length > BLOCK_BYTES) throw new Error('an HMAC key longer than a block would be hashed first: use a 32-byte key');
  const block = Buffer.alloc(BLOCK_BYTES);
  key.copy(block);
  const pad = (byte: number) => Buffer.from(block.map((value) => value ^ byte));
  return Buffer.concat([pad(0x36), pad(0x5c)]);
}

/**
 * The keyed hash an erased customer's opt-outs are kept as: `hmac-sha256:` and the hex HMAC-SHA256 of the contact (an
 * E.164 phone number, a lower-case email address) under a key derived from SECRET_KEY, written where the contact was.
 * It matches the same contact given again later (a STOP still holds); without the key, a copy of the database cannot
 * tell which number it was. Queries compare contacts with `herald_contact_hash(contact, $pads)` (see the
 * CustomerErasure migration). Every process must run with the same SECRET_KEY; changing it leaves erased customers'
 * opt-outs unmatched.
 */
@Injectable()
export class ContactHashing {
  /** The parameter `herald_contact_hash` takes. Key material: never logged. */
  readonly pads: Buffer;

  constructor(@InjectConfig() config: Pick<HeraldConfig, 'secretKey'>) {
    this.pads = hmacPads(deriveKey(config.secretKey, 'contact-hash'));
  }
}

/**
 * SQL: whether `column` (of an opt-out or a withdrawal) names `contact`, as it is or as the keyed hash an erasure left
 * (`pads`: the placeholder of ContactHashing.pads).
 */
export const namesContact = (column: string, contact: string, pads: string) => `${column} IN (${contact}, herald_contact_hash(${contact}, ${pads}))`;

/**
 * SQL: whether `table` has a row matching `where` whose `column` names `contact`, as it is or hashed. The hash costs
 * Postgres a few microseconds, so it is computed only where such rows hold hashes at all (a probe of the table's
 * `…_hashed` partial index): a send or a campaign's fan-out pays nothing for erasures that did not touch its sender.
 * `where` names the table's columns unqualified.
 */
export const hasContactRow = (table: string, column: string, where: string, contact: string, pads: string) =>
  `(EXISTS (SELECT 1 FROM ${table} WHERE ${where} AND ${column} = ${contact})
    OR CASE WHEN EXISTS (SELECT 1 FROM ${table} WHERE ${where} AND ${column} LIKE 'hmac-sha256:%')
       THEN EXISTS (SELECT 1 FROM ${table} WHERE ${where} AND ${column} = herald_contact_hash(${contact}, ${pads})) ELSE false END)`;
