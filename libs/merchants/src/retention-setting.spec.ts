import { effectiveRetention, keptSince, purgeCutoff, retentionProblem } from './retention-setting';

describe('the retention setting', () => {
  const now = new Date('2026-03-31T10:00:00Z');

  it('counts back on the UTC calendar: a month from 31 March is 28 February (2026 is no leap year), three years three', () => {
    expect(keptSince('P1M', now)).toEqual(new Date('2026-02-28T10:00:00Z'));
    expect(keptSince('P3Y', now)).toEqual(new Date('2023-03-31T10:00:00Z'));
    expect(keptSince('PT36H', now)).toEqual(new Date('2026-03-29T22:00:00Z'));
    expect(keptSince('P1000000Y', now)).toBeNull();
    expect(keptSince('ninety days', now)).toBeNull();
  });

  it('takes P1D to P3Y in any spelling, under the operator’s MAX_RETENTION', () => {
    for (const retention of ['P1D', 'PT24H', 'P90D', 'P1Y6M', 'P36M', 'P3Y']) expect(retentionProblem(retention, 'P3Y', now)).toBeNull();
    expect(retentionProblem('PT23H59M', 'P3Y', now)).toBe('too_short');
    expect(retentionProblem('P3Y1D', 'P3Y', now)).toBe('too_long');
    expect(retentionProblem('P1000000Y', 'P3Y', now)).toBe('too_long');
    expect(retentionProblem('P1Y1D', 'P1Y', now)).toBe('above_maximum');
    expect(retentionProblem('P12M', 'P1Y', now)).toBeNull();
  });

  it('applies the shorter of the merchant’s retention and MAX_RETENTION (a value kept from before MAX_RETENTION was lowered)', () => {
    expect(effectiveRetention('P90D', 'P3Y', now)).toBe('P90D');
    expect(effectiveRetention('P2Y', 'P1Y', now)).toBe('P1Y');
    expect(purgeCutoff('P2Y', 'P1Y', now)).toEqual(new Date('2025-03-31T10:00:00Z'));
    expect(purgeCutoff('P1D', 'P3Y', now)).toEqual(new Date('2026-03-30T10:00:00Z'));
  });
});
