import { parseEnvironment } from '@herald/config';
import { StreamTokens } from './stream-token';

const HOLDER = { merchantId: '8f14e45f-ceea-4e7a-9f4b-8d1e3f2a1b0c', keyId: '0b6f3c2e-8d1a-4e5f-9a7b-2c4d6e8f0a1b' };

describe('stream tokens', () => {
  const tokens = new StreamTokens(parseEnvironment({ STREAM_TOKEN_TTL: 'PT5M' }));

  it('names the merchant and the key that issued it until it expires', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    const { token, expiresAt } = tokens.issue(HOLDER, now);
    expect(expiresAt).toBe('2026-11-22T10:05:00.000Z');
    expect(token).toMatch(/^st_[A-Za-z0-9_-]{70}$/);
    expect(tokens.verify(token, now + 60_000)).toEqual(HOLDER);
    expect(() => tokens.verify(token, now + 5 * 60_000)).toThrow(expect.objectContaining({ code: 'stream_token_expired', kind: 'unauthorized' }));
  });

  it('refuses a forged or altered token (another merchant, another key), and an API key, with invalid_stream_token', () => {
    const { token } = tokens.issue(HOLDER);
    const flip = (at: number) => token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
    // The 4th character is in the merchant's id, the 30th in the key's.
    for (const bad of [flip(3), flip(29), 'st_' + 'A'.repeat(70), 'hk_notatoken', '']) {
      expect(() => tokens.verify(bad)).toThrow(expect.objectContaining({ code: 'invalid_stream_token' }));
    }
    const otherDeployment = new StreamTokens(parseEnvironment({ SECRET_KEY: 'another-secret-key-of-at-least-32-characters' }));
    expect(() => otherDeployment.verify(token)).toThrow(expect.objectContaining({ code: 'invalid_stream_token' }));
  });
});
