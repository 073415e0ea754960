import { z } from 'zod';
import { durationField, emailField, instantField, localeField, phoneField } from './fields';

const channels = z.array(z.enum(['sms', 'email'])).min(1).max(2);

export const createOrderBody = z
  .object({
    reference: z.string().trim().min(1).max(100),
    customer: z
      .object({
        name: z.string().trim().min(1).max(200).optional(),
        phone: phoneField.optional(),
        email: emailField.optional(),
        locale: localeField.optional(),
      })
      .strict()
      .refine((customer) => customer.phone || customer.email, 'customer needs a phone or an email'),
    pickupAt: instantField,
    reminderBefore: durationField.optional(),
    channels: channels.optional(),
  })
  .strict();
export type CreateOrderBody = z.infer<typeof createOrderBody>;

export const updateOrderBody = z
  .object({ pickupAt: instantField.optional(), reminderBefore: durationField.optional() })
  .strict()
  .refine((body) => body.pickupAt || body.reminderBefore, 'give pickupAt or reminderBefore');
export type UpdateOrderBody = z.infer<typeof updateOrderBody>;
