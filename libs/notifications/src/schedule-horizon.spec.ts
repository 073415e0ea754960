import { DomainError } from '@herald/errors';
import { ScheduleHorizon } from './schedule-horizon';

describe('schedule horizon', () => {
  const now = new Date('2026-11-30T12:00:00Z');

  it('accepts up to MAX_SCHEDULE_AHEAD ahead, counted on the calendar', () => {
    const horizon = new ScheduleHorizon({ maxScheduleAhead: 'P1Y' });
    expect(horizon.latest(now)).toEqual(new Date('2027-11-30T12:00:00Z'));
    expect(() => horizon.check('pickupAt', new Date('2027-11-30T12:00:00Z'), now)).not.toThrow();
  });

  it('refuses a time beyond it with 422 schedule_too_far_ahead, naming the field and the latest accepted instant', () => {
    const horizon = new ScheduleHorizon({ maxScheduleAhead: 'P1M' });
    let error: unknown;
    try {
      horizon.check('sendAt', new Date('2026-12-30T12:00:01Z'), now);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'unprocessable', code: 'schedule_too_far_ahead', details: { field: 'sendAt', latest: '2026-12-30T12:00:00.000Z' } });
    expect(() => horizon.check('pickupAt', new Date('9999-12-31T23:59:59Z'), now)).toThrow('pickupAt is more than P1M ahead');
  });

  it('refuses a reminder lead time longer than the horizon, naming the field and the longest accepted', () => {
    const horizon = new ScheduleHorizon({ maxScheduleAhead: 'P1Y' });
    expect(() => horizon.checkLeadTime('reminderBefore', 'P1Y', now)).not.toThrow();
    for (const lead of ['P1Y1D', 'P7000Y', 'P99999999999999999999Y']) {
      expect(() => horizon.checkLeadTime('reminderBefore', lead, now)).toThrow(
        expect.objectContaining({ kind: 'unprocessable', code: 'schedule_too_far_ahead', details: { field: 'reminderBefore', longest: 'P1Y' } }),
      );
    }
  });
});
