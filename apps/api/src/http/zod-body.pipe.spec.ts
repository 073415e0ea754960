import { DomainError } from '@herald/errors';
import { MERCHANT_SETTING_CODES, updateMerchantBody } from '../dto/merchant.dto';
import { ZodPipe } from './zod-body.pipe';

describe('ZodPipe on a union (the reminder policy: a lead time, or days before at a time)', () => {
  const pipe = new ZodPipe(updateMerchantBody, 'validation_failed', MERCHANT_SETTING_CODES);
  const refusal = (body: unknown): DomainError => {
    try {
      pipe.transform(body);
    } catch (error) {
      return error as DomainError;
    }
    throw new Error(`accepted ${JSON.stringify(body)}`);
  };

  it('says what is wrong in the branch the keys point at', () => {
    expect(refusal({ reminderPolicy: { daysBefore: 1.5, at: '10:00' } })).toMatchObject({
      code: 'invalid_reminder_policy',
      message: 'reminderPolicy.daysBefore: expected an integer (whole days before the pickup)',
      details: { issues: [{ path: 'reminderPolicy.daysBefore', code: 'invalid_reminder_policy' }] },
    });
    expect(refusal({ reminderPolicy: { daysBefore: 1 } })).toMatchObject({ message: 'reminderPolicy.at: Invalid input: expected string, received undefined' });
    expect(refusal({ reminderPolicy: { before: 42 } })).toMatchObject({ message: 'reminderPolicy.before: Invalid input: expected string, received number' });
  });

  it('names both shapes when the keys fit neither, and the stray key when they mix both', () => {
    const both = 'reminderPolicy: expected {"before": "<ISO 8601 duration>"} or {"daysBefore": <whole days>, "at": "HH:MM"}';
    expect(refusal({ reminderPolicy: {} })).toMatchObject({ code: 'invalid_reminder_policy', message: both });
    expect(refusal({ reminderPolicy: 'P1D' })).toMatchObject({ code: 'invalid_reminder_policy', message: both });
    expect(refusal({ reminderPolicy: { before: 'P1D', at: '10:00' } })).toMatchObject({ code: 'invalid_reminder_policy', message: 'reminderPolicy: Unrecognized key: "at"' });
  });

  it('accepts either shape', () => {
    expect(pipe.transform({ reminderPolicy: { daysBefore: 1, at: '10:00' } })).toEqual({ reminderPolicy: { daysBefore: 1, at: '10:00' } });
    expect(pipe.transform({ reminderPolicy: { before: 'PT2H' } })).toEqual({ reminderPolicy: { before: 'PT2H' } });
  });
});
