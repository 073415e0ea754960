import { campaignLimiter } from './campaign-rate';

describe('the campaign rate limiter', () => {
  it('lets through the rate asked for, in windows of about a tenth of a second', () => {
    expect(campaignLimiter(100)).toEqual({ max: 10, duration: 100 });
    expect(campaignLimiter(1000)).toEqual({ max: 100, duration: 100 });
    for (const rate of [1, 7, 15, 100, 333, 2500]) {
      const { max, duration } = campaignLimiter(rate);
      expect((max * 1000) / duration).toBeGreaterThan(rate * 0.95);
      expect((max * 1000) / duration).toBeLessThan(rate * 1.05);
      expect(duration).toBeLessThanOrEqual(1000);
    }
  });
});
