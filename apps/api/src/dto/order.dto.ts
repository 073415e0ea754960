import { z } from 'zod';
import { channelSchema } from '@herald/notifications';
import type { RequestExamples } from '../http/openapi';
import { exampleInstant } from './examples';
import { customerNameField, durationField, emailField, instantField, localeField, pageFields, phoneField, queryInstantField, rangesInOrder, referenceField, uuidField } from './fields';

const PICKUP_AT = 'When the customer picks the order up: ISO 8601 with an offset, at most MAX_SCHEDULE_AHEAD (default one year) ahead.';
const REMINDER_BEFORE =
  'ISO 8601 duration before pickup, e.g. P1D or PT2H; default your `reminderPolicy` (GET /v1/merchant). Either way the reminder keeps out of your quiet hours.';

export const createOrderBody = z
  .object({
    reference: referenceField.meta({ description: 'Your own reference for the order, unique per merchant.', example: 'A-1042' }),
    customer: z
      .object({
        name: customerNameField.optional().meta({ description: 'Used in the greeting.', example: 'Ada' }),
        phone: phoneField.optional().meta({ description: 'E.164 phone number; needed for the sms and whatsapp channels.' }),
        email: emailField.optional().meta({ description: 'Email address; needed for the email channel.' }),
        locale: localeField.optional().meta({
          description:
            'Language of the texts: your template in it, else the built-in text (`en`, `fr`, `es`, `ar`); default the customer’s own if it ordered before, else your `defaultLocale`.',
        }),
      })
      .strict()
      .refine((customer) => customer.phone || customer.email, 'customer needs a phone or an email')
      .optional()
      .meta({ description: 'Who to notify: a phone, an email, or both. Give `customer` or `customerId`, not both.' }),
    customerId: uuidField.optional().meta({
      description:
        'One of your customers (the `customer.id` of an earlier order) instead of `customer`: its contacts, language and `preferredChannel` are used. ' +
        'Not one of yours: 400 `unknown_customer`.',
      example: '0b6f2d4e-7a1c-4e3b-9d5f-8c2a6e4b1f3d',
    }),
    pickupAt: instantField.meta({ description: PICKUP_AT }),
    reminderBefore: durationField.optional().meta({ description: REMINDER_BEFORE }),
    channels: z
      .array(channelSchema)
      .min(1)
      .max(3)
      .optional()
      .meta({
        description: 'Channels to notify on; default the customer’s `preferredChannel` (PATCH /v1/customers/{id}), else `sms` when it has a phone, else `email`.',
        example: ['sms'],
      }),
  })
  .strict()
  .refine((body) => !body.customer !== !body.customerId, { path: ['customer'], message: 'give exactly one of customer or customerId' })
  .meta({ id: 'CreateOrderRequest', description: 'An order: a confirmation goes now, a reminder `reminderBefore` the pickup, per channel.' });
export type CreateOrderBody = z.infer<typeof createOrderBody>;

export const createOrderExamples: RequestExamples = {
  sms: {
    summary: 'SMS, reminder two hours before pickup',
    value: { reference: 'A-1042', customer: { name: 'Ada', phone: '+33612345678', locale: 'fr' }, pickupAt: exampleInstant(7, 10), reminderBefore: 'PT2H' },
  },
  email: {
    summary: 'Email, reminder the day before',
    value: { reference: 'B-77', customer: { name: 'Zoé', email: 'zoe@example.com', locale: 'fr' }, pickupAt: exampleInstant(7, 16), reminderBefore: 'P1D', channels: ['email'] },
  },
  both: {
    summary: 'SMS and email, the merchant’s default reminder',
    value: { reference: 'C-3', customer: { name: 'Grace', phone: '+33698765432', email: 'grace@example.com' }, pickupAt: exampleInstant(6, 18), channels: ['sms', 'email'] },
  },
};

export const updateOrderBody = z
  .object({
    pickupAt: instantField.optional().meta({ description: `The new pickup time. ${PICKUP_AT}` }),
    reminderBefore: durationField.optional().meta({ description: 'ISO 8601 duration before pickup, e.g. P1D or PT2H.' }),
  })
  .strict()
  .refine((body) => body.pickupAt || body.reminderBefore, 'give pickupAt or reminderBefore')
  .meta({ id: 'UpdateOrderRequest', description: 'Give `pickupAt`, `reminderBefore`, or both.' });
export type UpdateOrderBody = z.infer<typeof updateOrderBody>;

export const updateOrderExamples: RequestExamples = {
  movePickup: { summary: 'Move the pickup a day later', value: { pickupAt: exampleInstant(8, 10) } },
  remindEarlier: { summary: 'Remind three hours before instead', value: { reminderBefore: 'PT3H' } },
};

export const listOrdersQuery = z
  .object({
    status: z.enum(['active', 'cancelled']).optional().meta({ description: 'Only `active` or only `cancelled` orders.', example: 'active' }),
    pickupFrom: queryInstantField.optional().meta({ description: 'Only orders picked up at or after this instant (ISO 8601 with an offset).' }),
    pickupTo: queryInstantField.optional().meta({ description: 'Only orders picked up before this instant.' }),
    reference: z.string().trim().min(1).max(100).optional().meta({ description: 'Only the order with exactly this reference.', example: 'A-1042' }),
    referencePrefix: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'Only orders whose reference starts with this text (`%` and `_` match themselves).', example: 'A-10' }),
    customerId: uuidField.optional().meta({ description: 'Only this customer’s orders.', example: '0b6f2d4e-7a1c-4e3b-9d5f-8c2a6e4b1f3d' }),
    createdFrom: queryInstantField.optional().meta({ description: 'Only orders registered at or after this instant.' }),
    createdTo: queryInstantField.optional().meta({ description: 'Only orders registered before this instant.' }),
    ...pageFields,
  })
  .strict()
  .superRefine(rangesInOrder(['pickupFrom', 'pickupTo'], ['createdFrom', 'createdTo']));
export type ListOrdersQuery = z.infer<typeof listOrdersQuery>;
