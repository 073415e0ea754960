import { planFollowUp, planReminder, reminderDueAt } from './reminder-plan';

describe('reminder plan', () => {
  const now = new Date('2026-11-22T08:00:00Z');

  it('schedules the reminder at pickup minus reminderBefore', () => {
    const plan = planReminder(new Date('2026-11-23T09:00:00Z'), 'P1D', 'Europe/Paris', now);
    expect(plan).toEqual({ status: 'scheduled', scheduledFor: new Date('2026-11-22T09:00:00Z') });
  });

  it('subtracts days on the merchant calendar, keeping the wall-clock time across a DST change', () => {
    // Sunday 2026-03-29 10:00 in Paris is 08:00Z (summer time); the day before at 10:00 is 09:00Z (winter time).
    expect(reminderDueAt(new Date('2026-03-29T08:00:00Z'), 'P1D', 'Europe/Paris')).toEqual(new Date('2026-03-28T09:00:00Z'));
    expect(reminderDueAt(new Date('2026-03-29T08:00:00Z'), 'PT24H', 'Europe/Paris')).toEqual(new Date('2026-03-28T08:00:00Z'));
  });

  it('skips a reminder whose time has already passed, with the reason', () => {
    const plan = planReminder(new Date('2026-11-22T09:00:00Z'), 'PT2H', 'Europe/Paris', now);
    expect(plan).toEqual({ status: 'skipped', scheduledFor: new Date('2026-11-22T07:00:00Z'), reason: 'reminder_time_passed' });
  });

  it('sends at once a reminder that fell due within the last second, when pickup is still ahead', () => {
    const plan = planReminder(new Date('2026-11-22T08:00:04.500Z'), 'PT5S', 'UTC', now);
    expect(plan).toEqual({ status: 'queued', scheduledFor: now });
  });

  describe('the reminder of a pickup that moved after the first reminder went out', () => {
    it('is due at pickup minus reminderBefore, like any reminder', () => {
      expect(planFollowUp(new Date('2026-11-24T09:00:00Z'), 'P1D', 'Europe/Paris', now)).toEqual({ status: 'scheduled', scheduledFor: new Date('2026-11-23T09:00:00Z') });
    });

    it('goes now when its usual time has passed but the new pickup has not: the customer still expects the old time', () => {
      expect(planFollowUp(new Date('2026-11-22T10:00:00Z'), 'P1D', 'Europe/Paris', now)).toEqual({ status: 'queued', scheduledFor: now });
    });

    it('is skipped once the new pickup itself has passed', () => {
      expect(planFollowUp(new Date('2026-11-22T07:00:00Z'), 'PT1H', 'Europe/Paris', now)).toMatchObject({ status: 'skipped' });
    });
  });
});
