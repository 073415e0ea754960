import { DomainError } from '@herald/errors';
import { z } from 'zod';
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

describe('ZodPipe: every refusal keeps a stable code', () => {
  const refusal = (pipe: ZodPipe<any>, value: unknown): DomainError => {
    try {
      pipe.transform(value);
    } catch (error) {
      return error as DomainError;
    }
    throw new Error(`accepted ${JSON.stringify(value)}`);
  };

  it('gives keys named like Object.prototype members the pipe’s code, never an inherited value', () => {
    const pipe = new ZodPipe(updateMerchantBody, 'validation_failed', MERCHANT_SETTING_CODES);
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const body = JSON.parse(`{"${key}": "\\u0000"}`);
      const error = refusal(pipe, body);
      expect([key, error.code]).toEqual([key, 'validation_failed']);
      expect((error.details as { issues: { code: unknown }[] }).issues.every((issue) => issue.code === 'validation_failed')).toBe(true);
    }
  });

  it('answers invalid_cursor for a bad cursor on any list query', () => {
    const pipe = new ZodPipe(z.object({ cursor: z.string().max(5).optional() }).strict(), 'invalid_query');
    expect(refusal(pipe, { cursor: 'x'.repeat(6) })).toMatchObject({ code: 'invalid_cursor' });
    expect(refusal(pipe, { cursor: 'a\u0000' })).toMatchObject({ code: 'invalid_cursor' });
    expect(refusal(pipe, { other: '1' })).toMatchObject({ code: 'invalid_query' });
  });
});
