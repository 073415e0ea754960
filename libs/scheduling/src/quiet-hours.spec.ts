import { placeOutsideQuietHours, quietWindowAt, SchedulingRules } from './quiet-hours';

const paris = (start: string, end: string): SchedulingRules => ({ timezone: 'Europe/Paris', quietHours: { start, end } });
const newYork = (start: string, end: string): SchedulingRules => ({ timezone: 'America/New_York', quietHours: { start, end } });
const window = (at: string, rules: SchedulingRules) => {
  const found = quietWindowAt(new Date(at), rules);
  return found && { start: found.start.toISOString(), end: found.end.toISOString() };
};
const place = (due: string, rules: SchedulingRules, now: string, notAfter?: string) => {
  const placed = placeOutsideQuietHours(new Date(due), rules, { now: new Date(now), notAfter: notAfter ? new Date(notAfter) : undefined });
  return placed && placed.at.toISOString();
};

describe('quiet hours', () => {
  const night = paris('21:00', '08:00');

  it('cover the night across midnight, start included and end excluded', () => {
    const expected = { start: '2026-11-23T20:00:00.000Z', end: '2026-11-24T07:00:00.000Z' };
    expect(window('2026-11-23T21:30:00Z', night)).toEqual(expected); // 22:30, the evening part
    expect(window('2026-11-23T23:30:00Z', night)).toEqual(expected); // 00:30, after midnight
    expect(window('2026-11-24T06:59:00Z', night)).toEqual(expected); // 07:59
    expect(window('2026-11-23T20:00:00Z', night)).toEqual(expected); // 21:00 sharp is quiet
    expect(window('2026-11-24T07:00:00Z', night)).toBeNull(); // 08:00 sharp is not
    expect(window('2026-11-23T19:59:00Z', night)).toBeNull();
    expect(window('2026-11-23T12:00:00Z', night)).toBeNull();
  });

  it('can be a daytime window', () => {
    const lunch = paris('12:00', '14:00');
    expect(window('2026-11-23T12:00:00Z', lunch)).toEqual({ start: '2026-11-23T11:00:00.000Z', end: '2026-11-23T13:00:00.000Z' });
    expect(window('2026-11-23T13:00:00Z', lunch)).toBeNull();
    expect(window('2026-11-23T10:59:00Z', lunch)).toBeNull();
  });

  it('are none at all when the merchant has none', () => {
    expect(quietWindowAt(new Date('2026-11-23T23:00:00Z'), { timezone: 'Europe/Paris', quietHours: null })).toBeNull();
  });

  describe('on DST nights, follow the wall clock', () => {
    it('end at 08:00 summer time on the spring-forward night (one hour shorter)', () => {
      // Paris 2026-03-28 21:00 CET (20:00Z) to 2026-03-29 08:00 CEST (06:00Z): ten hours, not eleven.
      expect(window('2026-03-29T05:30:00Z', night)).toEqual({ start: '2026-03-28T20:00:00.000Z', end: '2026-03-29T06:00:00.000Z' });
      expect(window('2026-03-29T06:00:00Z', night)).toBeNull();
      expect(window('2026-03-08T11:30:00Z', newYork('21:00', '08:00'))).toEqual({ start: '2026-03-08T02:00:00.000Z', end: '2026-03-08T12:00:00.000Z' });
    });

    it('end at 08:00 winter time on the fall-back night (one hour longer)', () => {
      // Paris 2026-10-24 21:00 CEST (19:00Z) to 2026-10-25 08:00 CET (07:00Z): 02:30 is read twice, both readings quiet.
      const expected = { start: '2026-10-24T19:00:00.000Z', end: '2026-10-25T07:00:00.000Z' };
      expect(window('2026-10-25T00:30:00Z', night)).toEqual(expected);
      expect(window('2026-10-25T01:30:00Z', night)).toEqual(expected);
      expect(window('2026-10-25T06:30:00Z', night)).toEqual(expected);
    });

    it('containing the spring jump: 01:00 to 04:00 lasts two hours', () => {
      expect(window('2026-03-29T01:30:00Z', paris('01:00', '04:00'))).toEqual({ start: '2026-03-29T00:00:00.000Z', end: '2026-03-29T02:00:00.000Z' });
    });

    it('starting at a time the clock skips: they start at the jump', () => {
      // Paris 2026-03-29: 02:30 never shows; quiet from the jump (03:00 CEST, 01:00Z) to 06:00 CEST.
      expect(window('2026-03-29T01:00:00Z', paris('02:30', '06:00'))).toEqual({ start: '2026-03-29T01:00:00.000Z', end: '2026-03-29T04:00:00.000Z' });
      expect(window('2026-03-29T00:59:00Z', paris('02:30', '06:00'))).toBeNull();
    });

    it('ending at a time the clock reads twice: they end at its first reading', () => {
      // New York 2026-11-01: 01:30 EDT (05:30Z), then 02:00 EDT falls back to 01:00 EST (06:00Z).
      const lateNight = newYork('22:00', '01:30');
      expect(window('2026-11-01T05:00:00Z', lateNight)).toEqual({ start: '2026-11-01T02:00:00.000Z', end: '2026-11-01T05:30:00.000Z' });
      // 01:10 EST, the second reading: the window already ended at the first 01:30.
      expect(window('2026-11-01T06:10:00Z', lateNight)).toBeNull();
    });
  });

  describe('move a message due inside them', () => {
    it('to the end of the window: a 22:30 reminder goes at 08:00', () => {
      expect(place('2026-11-23T21:30:00Z', night, '2026-11-23T10:00:00Z', '2026-11-24T09:00:00Z')).toBe('2026-11-24T07:00:00.000Z');
      expect(place('2026-11-23T21:30:00Z', night, '2026-11-23T10:00:00Z')).toBe('2026-11-24T07:00:00.000Z');
    });

    it('not at all when it is due outside them', () => {
      expect(place('2026-11-23T19:59:00Z', night, '2026-11-23T10:00:00Z', '2026-11-24T09:00:00Z')).toBe('2026-11-23T19:59:00.000Z');
    });

    it('never past the pickup: a 07:00 pickup is reminded at 20:59 the evening before', () => {
      // Due 05:00 on the 24th; the window ends at 08:00, after the 07:00 pickup.
      expect(place('2026-11-24T04:00:00Z', night, '2026-11-23T10:00:00Z', '2026-11-24T06:00:00Z')).toBe('2026-11-23T19:59:00.000Z');
      // Ending exactly at pickup is too late as well.
      expect(place('2026-11-24T04:00:00Z', night, '2026-11-23T10:00:00Z', '2026-11-24T07:00:00Z')).toBe('2026-11-23T19:59:00.000Z');
    });

    it('now, when the last minute before the window is already running', () => {
      expect(place('2026-11-24T04:00:00Z', night, '2026-11-23T19:59:30Z', '2026-11-24T06:00:00Z')).toBe('2026-11-23T19:59:30.000Z');
    });

    it('nowhere, when everything between now and the pickup is quiet', () => {
      expect(place('2026-11-24T04:00:00Z', night, '2026-11-23T22:00:00Z', '2026-11-24T06:00:00Z')).toBeNull();
    });

    it('to 08:00 summer time after the spring jump, in New York too', () => {
      expect(place('2026-03-29T05:30:00Z', night, '2026-03-28T10:00:00Z')).toBe('2026-03-29T06:00:00.000Z');
      expect(place('2026-03-08T07:30:00Z', newYork('21:00', '08:00'), '2026-03-07T10:00:00Z')).toBe('2026-03-08T12:00:00.000Z');
    });
  });
});
