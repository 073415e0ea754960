import { z } from 'zod';
import { TEMPLATE_NAMES } from '@herald/messages';
import { channelSchema, notificationStatusSchema, prioritySchema } from '@herald/notifications';
import type { RequestExamples } from '../http/openapi';
import { exampleInstant } from './examples';
import { customerNameField, emailField, instantField, localeField, pageFields, phoneField, referenceField, uuidField } from './fields';

export const createNotificationBody = z
  .object({
    channel: channelSchema,
    to: z
      .object({
        phone: phoneField.optional().meta({ description: 'E.164 phone number, for sms and whatsapp.' }),
        email: emailField.optional().meta({ description: 'Email address, for email.' }),
      })
      .strict()
      .meta({
        description:
          'The recipient: `phone` for sms and whatsapp, `email` for email. A WhatsApp message with its own text goes free-form, which WhatsApp takes only ' +
          'within 24 hours of the customer’s last WhatsApp message to you; outside that window it ends `dead` with `whatsapp_template_missing`.',
      }),
    body: z.string().trim().min(1).max(1600).optional().meta({ description: 'The text. Give `body` or `template`, not both.', example: 'Your table is ready.' }),
    subject: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Email only: the subject; default "Message from <your shop name>".', example: 'Your order is ready' }),
    template: z
      .object({
        name: z.enum(TEMPLATE_NAMES).meta({
          id: 'TemplateName',
          description: 'A built-in text: `order_confirmation`, `pickup_reminder`, or `pickup_moved` (the pickup time changed).',
        }),
        reference: referenceField.meta({ description: 'The order reference the text names.', example: 'A-1042' }),
        pickupAt: instantField.meta({ description: 'The pickup time the text names: ISO 8601 with an offset.' }),
        customerName: customerNameField.optional().meta({ description: 'Used in the greeting.', example: 'Ada' }),
      })
      .strict()
      .optional()
      .meta({ description: 'A built-in text, rendered now in `locale` with times in your time zone. Give `body` or `template`, not both.' }),
    locale: localeField.optional().meta({ description: 'Language of a `template` (`en`, `fr`, `es`, `ar`; others fall back to English); default your `defaultLocale`.' }),
    sendAt: instantField.optional().meta({
      description: 'When to send: ISO 8601 with an offset, at most MAX_SCHEDULE_AHEAD (default one year) ahead; omitted or past means now.',
    }),
    priority: prioritySchema.optional().meta({
      description: 'The queue; default `critical`, never delayed. A `bulk` message due inside your quiet hours goes when they end.',
    }),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.body === !value.template) ctx.addIssue({ code: 'custom', path: ['body'], message: 'give exactly one of body or template' });
    const field = value.channel === 'email' ? 'email' : 'phone';
    if (!value.to[field]) ctx.addIssue({ code: 'custom', path: ['to'], message: `to.${field} is required for ${value.channel}` });
    if (value.subject && value.channel !== 'email') ctx.addIssue({ code: 'custom', path: ['subject'], message: 'subject is for email only' });
  })
  .meta({ id: 'CreateNotificationRequest', description: 'A one-off message: `to.phone` for sms or whatsapp, `to.email` for email; `body` or `template`.' });
export type CreateNotificationBody = z.infer<typeof createNotificationBody>;

export const createNotificationExamples: RequestExamples = {
  sms: { summary: 'An SMS now', value: { channel: 'sms', to: { phone: '+33612345678' }, body: 'Your table is ready.' } },
  email: {
    summary: 'An email at a set time',
    value: { channel: 'email', to: { email: 'ada@example.com' }, subject: 'Your order is ready', body: 'Your order A-1042 is ready.', sendAt: exampleInstant(5, 9) },
  },
  template: {
    summary: 'A built-in text, in French, in the bulk queue',
    value: {
      channel: 'sms',
      to: { phone: '+33612345678' },
      template: { name: 'pickup_reminder', reference: 'A-1042', pickupAt: exampleInstant(7, 10), customerName: 'Ada' },
      locale: 'fr',
      priority: 'bulk',
    },
  },
};

export const listNotificationsQuery = z
  .object({
    status: notificationStatusSchema.optional().meta({ description: 'Only notifications in this status.' }),
    orderId: uuidField.optional().meta({ description: 'Only the notifications of this order.', example: 'a8b6e2d4-1c3f-4e5a-9b7d-2f4c6e8a0b1d' }),
    ...pageFields,
  })
  .strict();
export type ListNotificationsQuery = z.infer<typeof listNotificationsQuery>;
