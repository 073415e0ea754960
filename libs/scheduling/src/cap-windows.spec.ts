import { capWindowsAt, weekStartAt } from './cap-windows';

describe('frequency cap windows: the merchant’s local day and ISO week', () => {
  it('counts a send in the local day, not the UTC one', () => {
    // 23:30 UTC on Sunday 6 December is already Monday 7 December in Paris.
    const windows = capWindowsAt(new Date('2026-12-06T23:30:00Z'), 'Europe/Paris');
    expect(windows).toEqual({
      day: '2026-12-07',
      week: '2026-W50',
      dayEndsAt: new Date('2026-12-07T23:00:00Z'),
      weekEndsAt: new Date('2026-12-13T23:00:00Z'),
    });
    expect(capWindowsAt(new Date('2026-12-06T23:30:00Z'), 'UTC')).toMatchObject({ day: '2026-12-06', week: '2026-W49' });
  });

  it('takes the ISO week-year at a year’s turn, and a 23-hour day on a DST night', () => {
    expect(capWindowsAt(new Date('2027-01-01T12:00:00Z'), 'UTC')).toMatchObject({ day: '2027-01-01', week: '2026-W53' });
    const springForward = capWindowsAt(new Date('2027-03-28T10:00:00Z'), 'Europe/Paris');
    expect(springForward.dayEndsAt).toEqual(new Date('2027-03-28T22:00:00Z'));
  });

  it('starts the week on Monday, local', () => {
    expect(weekStartAt(new Date('2026-12-10T12:00:00Z'), 'America/New_York')).toEqual(new Date('2026-12-07T05:00:00Z'));
  });
});
