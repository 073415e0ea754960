import { parseEnvironment } from '@herald/config';
import { StreamTokens } from './stream-token';

const MERCHANT = '8f14e45f-ceea-4e7a-9f4b-8d1e3f2a1b0c';

describe('stream tokens', () => {
  const tokens = new StreamTokens(parseEnvironment({ STREAM_TOKEN_TTL: 'PT5M' }));

  it('names the merchant it was issued to until it expires', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    const { token, expiresAt } = tokens.issue(MERCHANT, now);
    expect(expiresAt).toBe('2026-11-22T10:05:00.000Z');
    expect(token).toMatch(/^st_[A-Za-z0-9_-]{48}$/);
    expect(tokens.verify(token, now + 60_000)).toBe(MERCHANT);
    expect(() => tokens.verify(token, now + 5 * 60_000)).toThrow(expect.objectContaining({ code: 'stream_token_expired', kind: 'unauthorized' }));
  });

  it('refuses a forged or altered token, and an API key, with invalid_stream_token', () => {
    const { token } = tokens.issue(MERCHANT);
    const otherMerchant = token.slice(0, 3) + (token[3] === 'A' ? 'B' : 'A') + token.slice(4);
    for (const bad of [otherMerchant, 'st_' + 'A'.repeat(48), 'hk_notatoken', '']) {
      expect(() => tokens.verify(bad)).toThrow(expect.objectContaining({ code: 'invalid_stream_token' }));
    }
    const otherDeployment = new StreamTokens(parseEnvironment({ SECRET_KEY: 'another-secret-key-of-at-least-32-characters' }));
    expect(() => otherDeployment.verify(token)).toThrow(expect.objectContaining({ code: 'invalid_stream_token' }));
  });
});
