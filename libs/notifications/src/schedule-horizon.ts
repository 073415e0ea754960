import { Injectable } from '@nestjs/common';
import { DateTime, Duration } from 'luxon';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError } from '@herald/errors';
import { leadTime, leadTimeWithin, shortestSpanMs } from '@herald/scheduling';

/**
 * How far ahead a pickup or a send may be scheduled (`MAX_SCHEDULE_AHEAD`). A year-9999 typo would otherwise become a
 * BullMQ delay far beyond what its delayed-set scores hold exactly.
 */
@Injectable()
export class ScheduleHorizon {
  private readonly maxAhead: Duration;
  /** What is closer than this is within the horizon from any instant: most requests need no calendar arithmetic. */
  private readonly surelyWithinMs: number;

  constructor(@InjectConfig() private readonly config: Pick<HeraldConfig, 'maxScheduleAhead'>) {
    this.maxAhead = Duration.fromISO(config.maxScheduleAhead);
    this.surelyWithinMs = shortestSpanMs(config.maxScheduleAhead);
  }

  /** The latest instant accepted at `now`; the duration is added on the calendar, so P1Y is one year to the day. */
  latest(now: Date): Date {
    return DateTime.fromJSDate(now, { zone: 'utc' }).plus(this.maxAhead).toJSDate();
  }

  /** 422 `schedule_too_far_ahead` when `at` (the request's `field`) lies beyond the horizon. */
  check(field: 'pickupAt' | 'sendAt', at: Date, now: Date): void {
    if (at.getTime() - now.getTime() <= this.surelyWithinMs) return;
    const latest = this.latest(now);
    if (at <= latest) return;
    throw new DomainError(
      'unprocessable',
      'schedule_too_far_ahead',
      `${field} is more than ${this.maxAhead.toISO()} ahead (MAX_SCHEDULE_AHEAD); the latest accepted now is ${latest.toISOString()}`,
      { field, latest: latest.toISOString() },
    );
  }

  /**
   * 422 `schedule_too_far_ahead` when a reminder lead time (an order's `reminderBefore`) is longer than the horizon: no
   * pickup can be that far ahead, and a lead like P7000Y would put the reminder before any date Postgres holds.
   */
  checkLeadTime(field: 'reminderBefore', lead: string, now: Date): void {
    const { exactMs } = leadTime(lead);
    if (exactMs !== null && exactMs <= this.surelyWithinMs) return;
    if (leadTimeWithin({ before: lead }, this.config.maxScheduleAhead, now)) return;
    throw new DomainError('unprocessable', 'schedule_too_far_ahead', `${field} is longer than ${this.maxAhead.toISO()} (MAX_SCHEDULE_AHEAD)`, {
      field,
      longest: this.maxAhead.toISO(),
    });
  }
}
