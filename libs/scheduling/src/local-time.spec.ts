import { DateTime } from 'luxon';
import { firstInstantAt, parseLocalTime } from './local-time';

const day = (iso: string, zone: string) => DateTime.fromISO(iso, { zone });
const at = (iso: string, time: string, zone: string) => firstInstantAt(day(iso, zone), parseLocalTime(time), zone).toUTC().toISO();

describe('a wall-clock time on a calendar day', () => {
  it('is the instant the clock reads it, in winter and in summer', () => {
    expect(at('2026-11-23', '10:00', 'Europe/Paris')).toBe('2026-11-23T09:00:00.000Z');
    expect(at('2026-07-01', '10:00', 'Europe/Paris')).toBe('2026-07-01T08:00:00.000Z');
    expect(at('2026-07-01', '10:00', 'America/New_York')).toBe('2026-07-01T14:00:00.000Z');
  });

  it('is the jump itself when the clock skips it (02:30 on a spring-forward night)', () => {
    // Paris, 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z. No instant reads 02:30; the first one after it is 03:00.
    expect(at('2026-03-29', '02:30', 'Europe/Paris')).toBe('2026-03-29T01:00:00.000Z');
    // New York, 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z.
    expect(at('2026-03-08', '02:30', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
    expect(at('2026-03-08', '02:00', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
    expect(at('2026-03-08', '03:00', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
  });

  it('is its first reading when the clock reads it twice (01:30 on a fall-back night)', () => {
    // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST at 06:00Z; 01:30 is read at 05:30Z (EDT) and 06:30Z (EST).
    expect(at('2026-11-01', '01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    // Paris, 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00Z; 02:30 is read at 00:30Z and 01:30Z.
    expect(at('2026-10-25', '02:30', 'Europe/Paris')).toBe('2026-10-25T00:30:00.000Z');
    expect(at('2026-10-25', '03:00', 'Europe/Paris')).toBe('2026-10-25T02:00:00.000Z');
  });

  it('reads HH:MM on a 24-hour clock and refuses anything else', () => {
    expect(parseLocalTime('00:00')).toEqual({ hour: 0, minute: 0 });
    expect(parseLocalTime('23:59')).toEqual({ hour: 23, minute: 59 });
    for (const bad of ['25:00', '24:00', '9:00', '10:60', '10h00', '']) expect(() => parseLocalTime(bad)).toThrow(RangeError);
  });
});
