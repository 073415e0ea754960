import { retryDelayMs, WEBHOOK_RETRY_CAP_MS } from './retry-policy';

describe('retry delay', () => {
  it('doubles with each attempt, jittered between half and all of it', () => {
    expect(retryDelayMs(1, 1000, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, undefined, () => 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, undefined, () => 0)).toBe(2000);
    expect(retryDelayMs(3, 1000, undefined, () => 1)).toBe(4000);
  });

  it('spreads a burst of failures instead of retrying them together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(2, 1000)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(1000);
  });

  it("never retries sooner than the provider's Retry-After", () => {
    expect(retryDelayMs(1, 200, 1000, () => 0)).toBe(1000);
    expect(retryDelayMs(5, 1000, 1000, () => 0)).toBe(8000);
  });

  it('caps the wait at 15 minutes', () => {
    expect(retryDelayMs(30, 1000, undefined, () => 1)).toBe(15 * 60_000);
  });

  it('tries a webhook for about a day with the defaults, hours apart at the end', () => {
    const waits = (random: () => number) =>
      Array.from({ length: 15 }, (_, i) => retryDelayMs(i + 1, 30_000, undefined, random, WEBHOOK_RETRY_CAP_MS)).reduce((a, b) => a + b, 0);
    expect(waits(() => 1) / 3600_000).toBeCloseTo(28.3, 1);
    expect(waits(() => 0) / 3600_000).toBeCloseTo(14.1, 1);
    expect(retryDelayMs(15, 30_000, undefined, () => 1, WEBHOOK_RETRY_CAP_MS)).toBe(4 * 3600_000);
  });
});
