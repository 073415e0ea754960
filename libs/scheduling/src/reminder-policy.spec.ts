import { DateTime, Duration } from 'luxon';
import { leadTimeWithin, reminderDueAt, shortestSpanMs } from './reminder-policy';

const due = (pickupAt: string, policy: Parameters<typeof reminderDueAt>[1], zone: string) => reminderDueAt(new Date(pickupAt), policy, zone).toISOString();

describe('the reminder policy', () => {
  describe('"1 day before at 10:00", on the merchant’s calendar', () => {
    const policy = { daysBefore: 1, at: '10:00' };

    it('reminds a pickup on the day after the autumn change at 10:00 Paris time on the change day', () => {
      // Monday 2026-10-26 16:00 CET; the clocks went back on Sunday 25 at 03:00, so Sunday 10:00 is CET (+01:00).
      expect(due('2026-10-26T15:00:00Z', policy, 'Europe/Paris')).toBe('2026-10-25T09:00:00.000Z');
    });

    it('reminds a pickup on the autumn change day at 10:00 summer time the day before (not pickup minus 24 hours)', () => {
      // Sunday 2026-10-25 10:00 CET is 09:00Z; Saturday 10:00 CEST is 08:00Z, while 24 hours earlier would read 11:00.
      expect(due('2026-10-25T09:00:00Z', policy, 'Europe/Paris')).toBe('2026-10-24T08:00:00.000Z');
    });

    it('reminds across the spring change at 10:00 local, whatever the pickup’s time of day', () => {
      expect(due('2026-03-30T07:00:00Z', policy, 'Europe/Paris')).toBe('2026-03-29T08:00:00.000Z');
      expect(due('2026-03-29T20:00:00Z', policy, 'Europe/Paris')).toBe('2026-03-28T09:00:00.000Z');
      expect(due('2026-11-02T15:00:00Z', policy, 'America/New_York')).toBe('2026-11-01T15:00:00.000Z');
    });

    it('counts days on the local calendar: a late-evening pickup in New York is the next day in UTC', () => {
      // Tuesday 2026-11-24 23:30 EST is Wednesday 04:30Z; the day before is Monday 23, locally.
      expect(due('2026-11-25T04:30:00Z', policy, 'America/New_York')).toBe('2026-11-23T15:00:00.000Z');
    });

    it('takes the jump for a time the clock skips, and the first reading of a time it reads twice', () => {
      expect(due('2026-03-30T10:00:00Z', { daysBefore: 1, at: '02:30' }, 'Europe/Paris')).toBe('2026-03-29T01:00:00.000Z');
      expect(due('2026-11-02T17:00:00Z', { daysBefore: 1, at: '01:30' }, 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    });

    it('allows the same day (daysBefore 0) and several days back', () => {
      expect(due('2026-11-23T15:00:00Z', { daysBefore: 0, at: '10:00' }, 'Europe/Paris')).toBe('2026-11-23T09:00:00.000Z');
      expect(due('2026-12-01T15:00:00Z', { daysBefore: 3, at: '18:30' }, 'Europe/Paris')).toBe('2026-11-28T17:30:00.000Z');
    });
  });

  describe('a lead time before pickup', () => {
    it('subtracts days on the merchant calendar, keeping the wall-clock time across a DST change', () => {
      // Sunday 2026-03-29 10:00 in Paris is 08:00Z (summer time); the day before at 10:00 is 09:00Z (winter time).
      expect(due('2026-03-29T08:00:00Z', { before: 'P1D' }, 'Europe/Paris')).toBe('2026-03-28T09:00:00.000Z');
      expect(due('2026-03-29T08:00:00Z', { before: 'PT24H' }, 'Europe/Paris')).toBe('2026-03-28T08:00:00.000Z');
      expect(due('2026-11-23T09:00:00Z', { before: 'PT2H' }, 'Europe/Paris')).toBe('2026-11-23T07:00:00.000Z');
    });
  });
});

describe('a lead time within a horizon', () => {
  const from = new Date('2026-12-07T10:00:00Z');

  it('accepts leads up to the horizon, counted on the calendar', () => {
    expect(leadTimeWithin({ before: 'P1Y' }, 'P1Y', from)).toBe(true);
    expect(leadTimeWithin({ before: 'P365D' }, 'P1Y', from)).toBe(true);
    expect(leadTimeWithin({ before: 'PT2H' }, 'P1Y', from)).toBe(true);
    expect(leadTimeWithin({ daysBefore: 365, at: '10:00' }, 'P1Y', from)).toBe(true);
  });

  it('refuses leads beyond it, and leads no calendar can hold', () => {
    expect(leadTimeWithin({ before: 'P1Y1D' }, 'P1Y', from)).toBe(false);
    expect(leadTimeWithin({ before: 'P2M' }, 'P1M', from)).toBe(false);
    expect(leadTimeWithin({ before: 'P7000Y' }, 'P1Y', from)).toBe(false);
    expect(leadTimeWithin({ before: 'P99999999999999999999Y' }, 'P1Y', from)).toBe(false);
    expect(leadTimeWithin({ before: 'PT99999999999999999999H' }, 'P1Y', from)).toBe(false);
    expect(leadTimeWithin({ daysBefore: 40, at: '10:00' }, 'P1M', from)).toBe(false);
  });
});

describe('the shortest span of a duration', () => {
  it('is never longer than the duration counted on the UTC calendar from any instant (month ends, leap days included)', () => {
    for (const iso of ['P1Y', 'P1M', 'P3M', 'P1Y1M', 'P2Y6M3D', 'P2W', 'P30D', 'PT36H', 'P1DT12H', 'P1YT1S']) {
      const span = shortestSpanMs(iso);
      expect(span).toBeGreaterThan(0);
      // Every day of four years (a leap year among them), at a time that moves through the day.
      for (let day = 0; day < 4 * 366; day += 1) {
        const from = DateTime.fromISO('2027-01-01T00:00:00Z', { zone: 'utc' }).plus({ days: day, minutes: day * 37 });
        const end = from.plus(Duration.fromISO(iso));
        expect([iso, from.toISO(), end.toMillis() - from.toMillis() >= span]).toEqual([iso, from.toISO(), true]);
      }
    }
  });

  it('is exact for a duration without calendar months or years, and -Infinity for one with a negative part', () => {
    expect(shortestSpanMs('PT2H')).toBe(7_200_000);
    expect(shortestSpanMs('P1W')).toBe(7 * 86_400_000);
    expect(shortestSpanMs('P-1D')).toBe(-Infinity);
    expect(shortestSpanMs('nonsense')).toBe(-Infinity);
  });
});
