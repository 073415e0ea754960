import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'hk_';

/** A new key: 32 random bytes, so a plain SHA-256 is enough to store it (no dictionary to attack). */
export function generateApiKey(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** Enough of the key to recognise it in a list, never enough to use it. */
export function apiKeyPrefix(apiKey: string): string {
  return apiKey.slice(0, PREFIX.length + 6);
}
