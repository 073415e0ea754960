import { z } from 'zod';
import { durationField, timezoneField } from './fields';

export const createMerchantBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    timezone: timezoneField.optional(),
    defaultReminderBefore: durationField.optional(),
  })
  .strict();
export type CreateMerchantBody = z.infer<typeof createMerchantBody>;
