import type { MerchantEntity, OrderEntity } from '@herald/persistence';
import { QuietHours, ReminderPolicy, SchedulingRules } from '@herald/scheduling';

/** A reminder policy as stored: `before`, or `daysBefore` with `at`. */
export interface ReminderPolicyColumns {
  before: string | null;
  daysBefore: number | null;
  at: string | null;
}

export function reminderPolicyFrom({ before, daysBefore, at }: ReminderPolicyColumns): ReminderPolicy {
  return before !== null ? { before } : { daysBefore: daysBefore!, at: at! };
}

export function reminderPolicyColumns(policy: ReminderPolicy): ReminderPolicyColumns {
  return 'before' in policy ? { before: policy.before, daysBefore: null, at: null } : { before: null, ...policy };
}

/** The policy new orders of this merchant get when they give no `reminderBefore`. */
export const merchantReminderPolicy = (merchant: Pick<MerchantEntity, 'defaultReminderBefore' | 'defaultReminderDaysBefore' | 'defaultReminderAt'>) =>
  reminderPolicyFrom({ before: merchant.defaultReminderBefore, daysBefore: merchant.defaultReminderDaysBefore, at: merchant.defaultReminderAt });

/** The policy an order was planned with. */
export const orderReminderPolicy = (order: Pick<OrderEntity, 'reminderBefore' | 'reminderDaysBefore' | 'reminderAt'>) =>
  reminderPolicyFrom({ before: order.reminderBefore, daysBefore: order.reminderDaysBefore, at: order.reminderAt });

export function quietHoursOf(merchant: Pick<MerchantEntity, 'quietHoursStart' | 'quietHoursEnd'>): QuietHours | null {
  return merchant.quietHoursStart && merchant.quietHoursEnd ? { start: merchant.quietHoursStart, end: merchant.quietHoursEnd } : null;
}

/** What the scheduling rules need of a merchant: its zone and quiet hours. */
export const schedulingRulesOf = (merchant: Pick<MerchantEntity, 'timezone' | 'quietHoursStart' | 'quietHoursEnd'>): SchedulingRules => ({
  timezone: merchant.timezone,
  quietHours: quietHoursOf(merchant),
});
