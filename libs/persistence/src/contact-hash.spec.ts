import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ContactHashing, hmacPads } from './contact-hash';

/** What Postgres' herald_contact_hash computes from the pads, written the same way with Node's sha256. */
const hashAsPostgresDoes = (contact: string, pads: Buffer) => {
  const inner = createHash('sha256').update(Buffer.concat([pads.subarray(0, 64), Buffer.from(contact, 'utf8')])).digest();
  return createHash('sha256').update(Buffer.concat([pads.subarray(64, 128), inner])).digest('hex');
};

describe('contact hashing', () => {
  it('gives Postgres pads from which sha256 computes exactly HMAC-SHA256 under the key', () => {
    const key = randomBytes(32);
    for (const contact of ['+33612345678', 'zoé@exemple.fr', '']) {
      expect(hashAsPostgresDoes(contact, hmacPads(key))).toBe(createHmac('sha256', key).update(contact, 'utf8').digest('hex'));
    }
  });

  it('keys the hash by SECRET_KEY: another secret, another hash of the same number', () => {
    const one = new ContactHashing({ secretKey: 'a'.repeat(32) });
    const other = new ContactHashing({ secretKey: 'b'.repeat(32) });
    expect(one.pads).toHaveLength(128);
    expect(hashAsPostgresDoes('+33612345678', one.pads)).not.toBe(hashAsPostgresDoes('+33612345678', other.pads));
    expect(hashAsPostgresDoes('+33612345678', one.pads)).toBe(hashAsPostgresDoes('+33612345678', new ContactHashing({ secretKey: 'a'.repeat(32) }).pads));
  });
});
