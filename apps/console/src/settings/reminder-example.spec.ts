import { examplePickup, reminderFor } from './reminder-example';

describe('the reminder policy’s worked example', () => {
  const tuesday = new Date('2026-12-08T09:00:00Z'); // Tuesday 8 December 2026, 10:00 in Paris

  it('takes the next Tuesday at 10:00 in the merchant’s zone as the pickup', () => {
    expect(examplePickup(new Date('2026-12-07T12:00:00Z'), 'Europe/Paris').toISOString()).toBe(tuesday.toISOString());
    expect(examplePickup(new Date('2026-12-08T12:00:00Z'), 'Europe/Paris').toISOString()).toBe('2026-12-15T09:00:00.000Z');
    expect(examplePickup(new Date('2026-12-07T12:00:00Z'), 'Asia/Dubai').toISOString()).toBe('2026-12-08T06:00:00.000Z');
  });

  it('reminds a lead time before: days on the calendar, hours as elapsed time', () => {
    expect(reminderFor({ before: 'P1D' }, tuesday, 'Europe/Paris')?.toISOString()).toBe('2026-12-07T09:00:00.000Z'); // Monday 10:00
    expect(reminderFor({ before: 'PT2H' }, tuesday, 'Europe/Paris')?.toISOString()).toBe('2026-12-08T07:00:00.000Z');
    expect(reminderFor({ before: 'P1DT1H30M' }, tuesday, 'Europe/Paris')?.toISOString()).toBe('2026-12-07T07:30:00.000Z');
  });

  it('keeps the wall-clock time across a DST change (P1D before a Monday after the clocks went back)', () => {
    const monday = new Date('2026-10-26T09:00:00Z'); // Monday 26 October 2026, 10:00 CET; Sunday was still 10:00 CET, Saturday CEST
    expect(reminderFor({ before: 'P2D' }, monday, 'Europe/Paris')?.toISOString()).toBe('2026-10-24T08:00:00.000Z');
  });

  it('reminds at a time of day some days before, or not at all when that is not before the pickup', () => {
    expect(reminderFor({ daysBefore: 1, at: '18:00' }, tuesday, 'Europe/Paris')?.toISOString()).toBe('2026-12-07T17:00:00.000Z');
    expect(reminderFor({ daysBefore: 0, at: '08:00' }, tuesday, 'Europe/Paris')?.toISOString()).toBe('2026-12-08T07:00:00.000Z');
    expect(reminderFor({ daysBefore: 0, at: '11:00' }, tuesday, 'Europe/Paris')).toBeNull();
  });
});
