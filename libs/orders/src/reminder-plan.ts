import { DateTime, Duration } from 'luxon';
import { SKIP_REASONS } from '@herald/notifications';

export type ReminderPlan =
  | { status: 'scheduled'; scheduledFor: Date }
  | { status: 'queued'; scheduledFor: Date }
  | { status: 'skipped'; scheduledFor: Date; reason: string };

/** A reminder that fell due less than this long ago is sent now rather than skipped: it still gives notice. */
const GRACE_MS = 1000;

/**
 * When the reminder for a pickup goes out: `pickupAt - reminderBefore`, subtracted in the merchant's zone, so that
 * "P1D" before 10:00 is 10:00 the day before even across a DST change.
 */
export function reminderDueAt(pickupAt: Date, reminderBefore: string, timezone: string): Date {
  return DateTime.fromJSDate(pickupAt, { zone: timezone }).minus(Duration.fromISO(reminderBefore)).toJSDate();
}

export function planReminder(pickupAt: Date, reminderBefore: string, timezone: string, now: Date): ReminderPlan {
  const dueAt = reminderDueAt(pickupAt, reminderBefore, timezone);
  if (dueAt > now) return { status: 'scheduled', scheduledFor: dueAt };
  if (dueAt.getTime() > now.getTime() - GRACE_MS && pickupAt > now) return { status: 'queued', scheduledFor: now };
  return { status: 'skipped', scheduledFor: dueAt, reason: SKIP_REASONS.reminderTimePassed };
}

/**
 * The reminder for a pickup that moved after the first reminder went out. The customer still expects the old time, so
 * when the usual reminder time has already passed it goes now; it is skipped only once the new pickup itself is past.
 */
export function planFollowUp(pickupAt: Date, reminderBefore: string, timezone: string, now: Date): ReminderPlan {
  const plan = planReminder(pickupAt, reminderBefore, timezone, now);
  if (plan.status !== 'skipped' || pickupAt <= now) return plan;
  return { status: 'queued', scheduledFor: now };
}
