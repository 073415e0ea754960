import { z } from 'zod';
import { NOTIFICATION_STATUSES } from '@herald/persistence';
import { TEMPLATE_NAMES } from '@herald/messages';
import { emailField, instantField, localeField, phoneField, uuidField } from './fields';

export const createNotificationBody = z
  .object({
    channel: z.enum(['sms', 'email']),
    to: z.object({ phone: phoneField.optional(), email: emailField.optional() }).strict(),
    body: z.string().trim().min(1).max(1600).optional(),
    subject: z.string().trim().min(1).max(200).optional(),
    template: z
      .object({
        name: z.enum(TEMPLATE_NAMES),
        reference: z.string().trim().min(1).max(100),
        pickupAt: instantField,
        customerName: z.string().trim().min(1).max(200).optional(),
      })
      .strict()
      .optional(),
    locale: localeField.optional(),
    sendAt: instantField.optional(),
    priority: z.enum(['critical', 'bulk']).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.body === !value.template) ctx.addIssue({ code: 'custom', path: ['body'], message: 'give exactly one of body or template' });
    const recipient = value.channel === 'sms' ? value.to.phone : value.to.email;
    if (!recipient) ctx.addIssue({ code: 'custom', path: ['to'], message: `to.${value.channel === 'sms' ? 'phone' : 'email'} is required for ${value.channel}` });
    if (value.subject && value.channel !== 'email') ctx.addIssue({ code: 'custom', path: ['subject'], message: 'subject is for email only' });
  });
export type CreateNotificationBody = z.infer<typeof createNotificationBody>;

export const listNotificationsQuery = z
  .object({
    status: z.enum(NOTIFICATION_STATUSES).optional(),
    orderId: uuidField.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type ListNotificationsQuery = z.infer<typeof listNotificationsQuery>;
