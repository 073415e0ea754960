import { placeOutsideQuietHours, QuietHoursPlacement, QuietHoursShift, SchedulingRules } from './quiet-hours';
import { reminderDueAt, ReminderPolicy } from './reminder-policy';

/** Why the rules planned no send; stable strings shown to merchants as a skipped notification's `statusReason`. */
export const PLAN_SKIP_REASONS = {
  reminderTimePassed: 'reminder_time_passed',
  /** The policy put the reminder at or after the pickup (e.g. the same day at 10:00 for a 09:00 pickup). */
  reminderAfterPickup: 'reminder_after_pickup',
  /** Every moment between now and the pickup is in quiet hours. */
  quietHours: 'quiet_hours',
} as const;
export type PlanSkipReason = (typeof PLAN_SKIP_REASONS)[keyof typeof PLAN_SKIP_REASONS];

/**
 * When a notification goes: `scheduled` for later, `queued` to go now, or `skipped` with the reason. `quietHours` says
 * when a send was moved out of quiet hours, and from when.
 */
export type SendPlan =
  | { status: 'scheduled' | 'queued'; scheduledFor: Date; quietHours: QuietHoursShift | null }
  | { status: 'skipped'; scheduledFor: Date; reason: PlanSkipReason };

/** A plan that sends: later or now. */
export type TimedPlan = Extract<SendPlan, { status: 'scheduled' | 'queued' }>;

/** A reminder that fell due less than this long ago is sent now rather than skipped: it still gives notice. */
const GRACE_MS = 1000;

const timed = (placed: QuietHoursPlacement, now: Date): TimedPlan => ({
  status: placed.at > now ? 'scheduled' : 'queued',
  scheduledFor: placed.at,
  quietHours: placed.shift,
});

function place(due: Date, rules: SchedulingRules, now: Date, notAfter: Date): SendPlan {
  const placed = placeOutsideQuietHours(due, rules, { now, notAfter });
  return placed ? timed(placed, now) : { status: 'skipped', scheduledFor: due, reason: PLAN_SKIP_REASONS.quietHours };
}

/**
 * An order's reminder: due per the policy, then moved out of quiet hours without passing the pickup. Skipped when its
 * time has passed (beyond a second's grace), when the policy puts it at or after the pickup, or when quiet hours
 * leave no moment before the pickup.
 */
export function planReminder(pickupAt: Date, policy: ReminderPolicy, rules: SchedulingRules, now: Date): SendPlan {
  const dueAt = reminderDueAt(pickupAt, policy, rules.timezone);
  if (dueAt >= pickupAt) return { status: 'skipped', scheduledFor: dueAt, reason: PLAN_SKIP_REASONS.reminderAfterPickup };
  if (dueAt.getTime() <= now.getTime() - GRACE_MS || pickupAt <= now) {
    return { status: 'skipped', scheduledFor: dueAt, reason: PLAN_SKIP_REASONS.reminderTimePassed };
  }
  return place(dueAt > now ? dueAt : now, rules, now, pickupAt);
}

/**
 * The reminder for a pickup that moved after the first reminder went out. The customer still expects the old time, so
 * when the usual reminder time has passed (or falls after the new pickup) it goes now, quiet hours permitting; it is
 * skipped only once the new pickup itself is past, or when quiet hours leave no moment before it.
 */
export function planFollowUp(pickupAt: Date, policy: ReminderPolicy, rules: SchedulingRules, now: Date): SendPlan {
  const plan = planReminder(pickupAt, policy, rules, now);
  if (plan.status !== 'skipped' || plan.reason === PLAN_SKIP_REASONS.quietHours || pickupAt <= now) return plan;
  return place(now, rules, now, pickupAt);
}

/**
 * A bulk message (a campaign's, or a one-off on the `bulk` queue): at `sendAt` (now when absent or past), moved to the
 * end of the quiet window it falls in. It has no pickup to respect, so it is never skipped.
 */
export function planBulkSend(sendAt: Date | null, rules: SchedulingRules, now: Date): TimedPlan {
  // With no pickup to keep before, a quiet window's end is always a place to go.
  return timed(placeOutsideQuietHours(sendAt && sendAt > now ? sendAt : now, rules, { now })!, now);
}

/** How a notification's history records a send moved out of quiet hours: when it was due, and the window. */
export function quietHoursDetail({ due, window }: QuietHoursShift) {
  return { quietHours: { due: due.toISOString(), window: { start: window.start.toISOString(), end: window.end.toISOString() } } };
}
