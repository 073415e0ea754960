import { fromLocalInput, instantAt, startOfDay, toLocalInput, wallClockAt } from './zoned';

describe('wall clocks in the merchant’s time zone', () => {
  it('reads an instant as the wall clock of the zone', () => {
    expect(wallClockAt(new Date('2026-12-07T09:30:00Z'), 'Europe/Paris')).toMatchObject({ year: 2026, month: 12, day: 7, hour: 10, minute: 30 });
    expect(wallClockAt(new Date('2026-12-07T23:30:00Z'), 'Asia/Dubai')).toMatchObject({ day: 8, hour: 3 });
  });

  it('finds the instant of a wall-clock time, on either side of a DST change', () => {
    expect(instantAt({ year: 2026, month: 12, day: 7, hour: 10, minute: 0 }, 'Europe/Paris').toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(instantAt({ year: 2026, month: 7, day: 7, hour: 10, minute: 0 }, 'Europe/Paris').toISOString()).toBe('2026-07-07T08:00:00.000Z');
    expect(instantAt({ year: 2026, month: 3, day: 29, hour: 12, minute: 0 }, 'America/New_York').toISOString()).toBe('2026-03-29T16:00:00.000Z');
  });

  it('reads a time the clock skips after the jump, and a time it reads twice as its first reading', () => {
    // Paris skips 02:00-03:00 on 29 March 2026 and reads 02:00-03:00 twice on 25 October 2026.
    expect(instantAt({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Paris').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(instantAt({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Paris').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('gives the start of today and of the days after, in the zone', () => {
    const late = new Date('2026-12-07T23:30:00Z'); // already the 8th in Paris
    expect(startOfDay(late, 'Europe/Paris').toISOString()).toBe('2026-12-07T23:00:00.000Z');
    expect(startOfDay(late, 'Europe/Paris', 2).toISOString()).toBe('2026-12-09T23:00:00.000Z');
    expect(startOfDay(late, 'UTC').toISOString()).toBe('2026-12-07T00:00:00.000Z');
  });

  it('round-trips a datetime-local value through the zone', () => {
    expect(toLocalInput(new Date('2026-12-07T09:00:00Z'), 'Europe/Paris')).toBe('2026-12-07T10:00');
    expect(fromLocalInput('2026-12-07T10:00', 'Europe/Paris')?.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(fromLocalInput('2026-12-07', 'Europe/Paris')).toBeNull();
  });
});
