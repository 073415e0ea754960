import { Injectable } from '@nestjs/common';
import { DateTime, Duration } from 'luxon';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError } from '@herald/errors';

/**
 * How far ahead a pickup or a send may be scheduled (`MAX_SCHEDULE_AHEAD`). A year-9999 typo would otherwise become a
 * BullMQ delay far beyond what its delayed-set scores hold exactly.
 */
@Injectable()
export class ScheduleHorizon {
  private readonly maxAhead: Duration;

  constructor(@InjectConfig() config: Pick<HeraldConfig, 'maxScheduleAhead'>) {
    this.maxAhead = Duration.fromISO(config.maxScheduleAhead);
  }

  /** The latest instant accepted at `now`; the duration is added on the calendar, so P1Y is one year to the day. */
  latest(now: Date): Date {
    return DateTime.fromJSDate(now, { zone: 'utc' }).plus(this.maxAhead).toJSDate();
  }

  /** 422 `schedule_too_far_ahead` when `at` (the request's `field`) lies beyond the horizon. */
  check(field: 'pickupAt' | 'sendAt', at: Date, now: Date): void {
    const latest = this.latest(now);
    if (at <= latest) return;
    throw new DomainError(
      'unprocessable',
      'schedule_too_far_ahead',
      `${field} is more than ${this.maxAhead.toISO()} ahead (MAX_SCHEDULE_AHEAD); the latest accepted now is ${latest.toISOString()}`,
      { field, latest: latest.toISOString() },
    );
  }
}
