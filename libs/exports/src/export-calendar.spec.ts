import { addDays, dayBounds, dueDays, exportDueAt, isCalendarDay, localDay, nextExport, oldestDueDay } from './export-calendar';

const PARIS = 'Europe/Paris';
const hours = (bounds: { from: Date; to: Date }) => (bounds.to.getTime() - bounds.from.getTime()) / 3600_000;

describe('export calendar', () => {
  it('accepts only real days written YYYY-MM-DD', () => {
    expect(isCalendarDay('2026-11-21')).toBe(true);
    expect(isCalendarDay('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-30', '2026-13-01', '2026-1-01', '21/11/2026', '2026-11-21T00:00', 'yesterday', '', '0000-01-01']) {
      expect(isCalendarDay(bad)).toBe(false);
    }
  });

  it('counts days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('gives the spring-forward day in Paris 23 hours and the fall-back day 25', () => {
    const spring = dayBounds('2026-03-29', PARIS);
    expect(spring.from.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(spring.to.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(hours(spring)).toBe(23);
    const autumn = dayBounds('2026-10-25', PARIS);
    expect(autumn.from.toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(autumn.to.toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(hours(autumn)).toBe(25);
    expect(hours(dayBounds('2026-11-21', PARIS))).toBe(24);
  });

  it('starts a day whose midnight does not exist at its first real instant', () => {
    // Santiago skips from 00:00 to 01:00 on its spring-forward day.
    expect(dayBounds('2026-09-06', 'America/Santiago').from.toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('places an instant on its local day', () => {
    expect(localDay(new Date('2026-11-21T23:30:00Z'), PARIS)).toBe('2026-11-22');
    expect(localDay(new Date('2026-11-21T23:30:00Z'), 'America/New_York')).toBe('2026-11-21');
  });

  it("makes a day's export due at the local time on the following day, across the clock changes", () => {
    expect(exportDueAt('2026-11-21', '07:00', PARIS).toISOString()).toBe('2026-11-22T06:00:00.000Z');
    expect(exportDueAt('2026-03-28', '07:00', PARIS).toISOString()).toBe('2026-03-29T05:00:00.000Z');
    // 02:30 does not exist on 29 March: the export goes at 03:30 summer time.
    expect(exportDueAt('2026-03-28', '02:30', PARIS).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 happens twice on 25 October: the export goes the second time, after the clocks went back.
    expect(exportDueAt('2026-10-24', '02:30', PARIS).toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });

  describe('due days', () => {
    const schedule = { zone: PARIS, localTime: '07:00', enabledAt: new Date('2026-01-01T00:00:00Z') };

    it("sends yesterday's file once the local time has passed today, not before", () => {
      expect(dueDays(schedule, new Date('2026-11-22T05:59:00Z'), 1)).toEqual(['2026-11-20']);
      expect(dueDays(schedule, new Date('2026-11-22T06:00:00Z'), 1)).toEqual(['2026-11-21']);
    });

    it('catches up every missed day, oldest first, within the window', () => {
      expect(dueDays(schedule, new Date('2026-11-22T08:00:00Z'), 3)).toEqual(['2026-11-19', '2026-11-20', '2026-11-21']);
      expect(dueDays(schedule, new Date('2026-11-22T08:00:00Z'), 7)).toHaveLength(7);
    });

    it('counts the DST days once each, in the merchant zone', () => {
      expect(dueDays(schedule, new Date('2026-03-30T05:00:00Z'), 2)).toEqual(['2026-03-28', '2026-03-29']);
      expect(dueDays(schedule, new Date('2026-10-26T06:00:00Z'), 2)).toEqual(['2026-10-24', '2026-10-25']);
    });

    it('skips days that fell due before exports were switched on, and everything while they are off', () => {
      const enabledAt = new Date('2026-11-21T09:00:00Z'); // after 20 Nov's export time (21 Nov 07:00 Paris)
      expect(dueDays({ ...schedule, enabledAt }, new Date('2026-11-22T08:00:00Z'), 7)).toEqual(['2026-11-21']);
      expect(dueDays({ ...schedule, enabledAt: null }, new Date('2026-11-22T08:00:00Z'), 7)).toEqual([]);
    });

    it('never names a day older than oldestDueDay, whatever the hour or the local time (a ledger entry older is never read again)', () => {
      const start = new Date('2026-11-22T00:00:00Z').getTime();
      for (const localTime of ['00:00', '07:00', '23:59']) {
        for (let hour = 0; hour < 48; hour += 1) {
          const now = new Date(start + hour * 3600_000);
          const oldest = oldestDueDay(now, PARIS, 3);
          for (let later = 0; later < 72; later += 6) {
            const due = dueDays({ ...schedule, localTime }, new Date(now.getTime() + later * 3600_000), 3);
            expect(due.every((day) => day >= oldest)).toBe(true);
          }
        }
      }
      expect(oldestDueDay(new Date('2026-11-22T08:00:00Z'), PARIS, 3)).toBe('2026-11-18');
      expect(dueDays({ ...schedule, localTime: '23:59' }, new Date('2026-11-22T08:00:00Z'), 3)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
    });

    it('uses the merchant zone for "today", not the server\'s', () => {
      const tokyo = { zone: 'Asia/Tokyo', localTime: '00:00', enabledAt: schedule.enabledAt };
      // 15:30 UTC on 21 Nov is already 00:30 on 22 Nov in Tokyo: the 21st is due there.
      expect(dueDays(tokyo, new Date('2026-11-21T15:30:00Z'), 1)).toEqual(['2026-11-21']);
    });
  });

  it('names the next export: yesterday\'s before the local time, today\'s after it', () => {
    const schedule = { zone: PARIS, localTime: '07:00', enabledAt: new Date('2026-01-01T00:00:00Z') };
    expect(nextExport(schedule, new Date('2026-11-22T05:00:00Z'))).toEqual({ day: '2026-11-21', dueAt: new Date('2026-11-22T06:00:00Z') });
    expect(nextExport(schedule, new Date('2026-11-22T07:00:00Z'))).toEqual({ day: '2026-11-22', dueAt: new Date('2026-11-23T06:00:00Z') });
    expect(nextExport({ ...schedule, enabledAt: null }, new Date('2026-11-22T07:00:00Z'))).toBeNull();
  });
});
