import { hkdfSync } from 'node:crypto';

/** What a key derived from SECRET_KEY is for; each purpose gets its own key, so one never unlocks another. */
export type KeyPurpose = 'event-cursor' | 'stream-token' | 'webhook-secret' | 'contact-hash';

/** A 32-byte key for `purpose`, derived from SECRET_KEY with HKDF-SHA256. */
export function deriveKey(secretKey: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, 'herald', purpose, 32));
}
