import { SchedulingRules } from './quiet-hours';
import { planBulkSend, planFollowUp, planReminder } from './send-plan';

const noQuietHours: SchedulingRules = { timezone: 'Europe/Paris', quietHours: null };
const quietNights: SchedulingRules = { timezone: 'Europe/Paris', quietHours: { start: '21:00', end: '08:00' } };
const d = (iso: string) => new Date(iso);

describe('the send plan', () => {
  const now = d('2026-11-22T08:00:00Z');

  describe('of a reminder', () => {
    it('is due at pickup minus reminderBefore', () => {
      expect(planReminder(d('2026-11-23T09:00:00Z'), { before: 'P1D' }, noQuietHours, now)).toEqual({
        status: 'scheduled',
        scheduledFor: d('2026-11-22T09:00:00Z'),
        quietHours: null,
      });
    });

    it('is due on the wall clock for a daysBefore/at policy', () => {
      expect(planReminder(d('2026-11-24T15:00:00Z'), { daysBefore: 1, at: '10:00' }, noQuietHours, now)).toMatchObject({
        status: 'scheduled',
        scheduledFor: d('2026-11-23T09:00:00Z'),
      });
    });

    it('is skipped when its time has already passed, with the reason', () => {
      expect(planReminder(d('2026-11-22T09:00:00Z'), { before: 'PT2H' }, noQuietHours, now)).toEqual({
        status: 'skipped',
        scheduledFor: d('2026-11-22T07:00:00Z'),
        reason: 'reminder_time_passed',
      });
    });

    it('is skipped when the policy puts it at or after the pickup', () => {
      expect(planReminder(d('2026-11-23T08:00:00Z'), { daysBefore: 0, at: '10:00' }, noQuietHours, now)).toEqual({
        status: 'skipped',
        scheduledFor: d('2026-11-23T09:00:00Z'),
        reason: 'reminder_after_pickup',
      });
    });

    it('goes at once when it fell due within the last second and pickup is still ahead', () => {
      expect(planReminder(d('2026-11-22T08:00:04.500Z'), { before: 'PT5S' }, noQuietHours, now)).toEqual({ status: 'queued', scheduledFor: now, quietHours: null });
    });

    it('due at 22:30 in quiet hours 21:00–08:00, moves to 08:00 and says from when', () => {
      // Pickup on the 24th at 10:30 Paris; 12 hours before is 22:30 on the 23rd.
      expect(planReminder(d('2026-11-24T09:30:00Z'), { before: 'PT12H' }, quietNights, now)).toEqual({
        status: 'scheduled',
        scheduledFor: d('2026-11-24T07:00:00Z'),
        quietHours: { due: d('2026-11-23T21:30:00Z'), window: { start: d('2026-11-23T20:00:00Z'), end: d('2026-11-24T07:00:00Z') } },
      });
    });

    it('for a 07:00 pickup, goes before 21:00 the evening before rather than after the pickup', () => {
      expect(planReminder(d('2026-11-24T06:00:00Z'), { before: 'PT2H' }, quietNights, now)).toMatchObject({
        status: 'scheduled',
        scheduledFor: d('2026-11-23T19:59:00Z'),
      });
    });

    it('is skipped (quiet_hours) when everything between now and the pickup is quiet', () => {
      const lateEvening = d('2026-11-23T22:00:00Z'); // 23:00 Paris
      expect(planReminder(d('2026-11-24T06:00:00Z'), { before: 'PT2H' }, quietNights, lateEvening)).toEqual({
        status: 'skipped',
        scheduledFor: d('2026-11-24T04:00:00Z'),
        reason: 'quiet_hours',
      });
    });
  });

  describe('of the reminder of a pickup that moved after the first reminder went out', () => {
    it('is due at pickup minus reminderBefore, like any reminder', () => {
      expect(planFollowUp(d('2026-11-24T09:00:00Z'), { before: 'P1D' }, noQuietHours, now)).toMatchObject({ status: 'scheduled', scheduledFor: d('2026-11-23T09:00:00Z') });
    });

    it('goes now when its usual time has passed but the new pickup has not: the customer still expects the old time', () => {
      expect(planFollowUp(d('2026-11-22T10:00:00Z'), { before: 'P1D' }, noQuietHours, now)).toEqual({ status: 'queued', scheduledFor: now, quietHours: null });
    });

    it('waits for the end of quiet hours instead of going now, if that is still before the pickup', () => {
      const lateEvening = d('2026-11-22T22:00:00Z');
      expect(planFollowUp(d('2026-11-23T10:00:00Z'), { before: 'P1D' }, quietNights, lateEvening)).toMatchObject({
        status: 'scheduled',
        scheduledFor: d('2026-11-23T07:00:00Z'),
      });
    });

    it('is skipped once the new pickup itself has passed', () => {
      expect(planFollowUp(d('2026-11-22T07:00:00Z'), { before: 'PT1H' }, noQuietHours, now)).toMatchObject({ status: 'skipped' });
    });
  });

  describe('of a bulk message', () => {
    it('goes now or at sendAt outside quiet hours', () => {
      expect(planBulkSend(null, quietNights, now)).toEqual({ status: 'queued', scheduledFor: now, quietHours: null });
      expect(planBulkSend(d('2026-11-22T18:00:00Z'), quietNights, now)).toMatchObject({ status: 'scheduled', scheduledFor: d('2026-11-22T18:00:00Z') });
    });

    it('moves to the end of the quiet window it falls in, however far', () => {
      expect(planBulkSend(d('2026-11-22T22:00:00Z'), quietNights, now)).toMatchObject({ status: 'scheduled', scheduledFor: d('2026-11-23T07:00:00Z') });
      const midnight = d('2026-11-22T23:00:00Z');
      expect(planBulkSend(null, quietNights, midnight)).toMatchObject({ status: 'scheduled', scheduledFor: d('2026-11-23T07:00:00Z') });
    });
  });
});
