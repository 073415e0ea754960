import { z } from 'zod';
import type { ErrorCode } from '@herald/errors';
import type { RequestExamples } from '../http/openapi';
import { customerNameField, emailField, localeField, pageFields, phoneField, queryInstantField, queryPhoneField, rangesInOrder } from './fields';

export const updateCustomerBody = z
  .object({
    name: customerNameField.optional().meta({ description: 'Used in the greeting.', example: 'Ada' }),
    phone: phoneField.optional().meta({
      description:
        'A new phone number (E.164, spaces and dashes removed). Messages not yet sent by SMS go to it; your own SMS withdrawal moves with ' +
        'the customer, a STOP stays with the number it was texted from. Another of your customers with this number answers 409 `customer_contact_taken`.',
    }),
    email: emailField.optional().meta({
      description:
        'A new email address (stored lower-cased). Messages not yet sent by email go to it; your own email withdrawal moves with the ' +
        'customer, an unsubscribe stays with the address. Another of your customers with this address answers 409 `customer_contact_taken`.',
    }),
    preferredChannel: z
      .enum(['sms', 'email', 'whatsapp'])
      .nullable()
      .optional()
      .meta({
        description:
          '`sms`, `email` or `whatsapp`: where this customer’s messages go when an order names no `channels`, and the channel campaigns try first; ' +
          'null: no preference (SMS when the phone is known). A channel whose contact is unknown answers 422 `channel_recipient_missing`; ' +
          'anything else 400 `invalid_preferred_channel`.',
        example: 'email',
      }),
    locale: localeField.optional().meta({ description: 'The language of this customer’s messages.' }),
    consent: z
      .object({
        sms: z.boolean().optional().meta({
          description: 'false: no more SMS from you to this customer (other merchants are not affected). true takes back only your own withdrawal: a customer who texted STOP to your sender opts back in with START (409 `opted_out_by_customer`).',
          example: true,
        }),
        email: z.boolean().optional().meta({
          description: 'false: no more email from you to this customer. true takes back only your own withdrawal: the customer’s unsubscribe stays (409 `opted_out_by_customer`).',
          example: false,
        }),
        whatsapp: z.boolean().optional().meta({
          description:
            'false: no more WhatsApp messages from you to this customer (SMS consent is apart). true takes back only your own withdrawal: a customer who sent STOP over WhatsApp opts back in with START (409 `opted_out_by_customer`).',
          example: true,
        }),
      })
      .strict()
      .optional()
      .meta({ description: 'Consent per channel: messages on a withdrawn channel are `skipped` (`opted_out`), or go on the other channel as a fallback.' }),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change')
  .meta({ id: 'UpdateCustomerRequest', description: 'The contacts and preferences to change; the others stay. A contact can be changed or added, not removed.' });
export type UpdateCustomerBody = z.infer<typeof updateCustomerBody>;

export const CUSTOMER_FIELD_CODES: Record<string, ErrorCode> = { preferredChannel: 'invalid_preferred_channel' };

export const updateCustomerExamples: RequestExamples = {
  preferEmail: { summary: 'Gave an email address, prefers email, in French', value: { email: 'ada@example.com', preferredChannel: 'email', locale: 'fr' } },
  newPhone: { summary: 'A new phone number, written as the customer said it', value: { phone: '+33 6 12 34 56 70' } },
  noMoreEmail: { summary: 'Asked you (at the counter) for no more email', value: { consent: { email: false } } },
};

export const createCustomerBody = z
  .object({
    name: customerNameField.optional().meta({ description: 'Used in the greeting.', example: 'Ada' }),
    phone: phoneField.optional().meta({ description: 'E.164 phone number, for SMS. Another of your customers’ answers 409 `customer_contact_taken`.' }),
    email: emailField.optional().meta({ description: 'Email address. Another of your customers’ answers 409 `customer_contact_taken`.' }),
    locale: localeField.optional().meta({ description: 'The language of this customer’s messages; default your `defaultLocale`.' }),
    preferredChannel: z
      .enum(['sms', 'email', 'whatsapp'])
      .nullable()
      .optional()
      .meta({ description: '`sms`, `email` or `whatsapp` (its contact must be given: else 422 `channel_recipient_missing`); default none.', example: 'sms' }),
  })
  .strict()
  .refine((body) => body.phone || body.email, { path: ['phone'], message: 'a customer needs a phone or an email' })
  .meta({ id: 'CreateCustomerRequest', description: 'A customer ahead of any order: a phone, an email, or both.' });
export type CreateCustomerBody = z.infer<typeof createCustomerBody>;

export const createCustomerExamples: RequestExamples = {
  sms: { summary: 'A phone, messages in French', value: { name: 'Léa', phone: '+33611223344', locale: 'fr' } },
  both: { summary: 'Both contacts, email preferred', value: { name: 'Lin', phone: '+33622334455', email: 'lin@example.com', preferredChannel: 'email' } },
};

export const listCustomersQuery = z
  .object({
    phone: queryPhoneField.optional().meta({ description: 'Only the customer with this phone, in any international format (`+33 6 12 34 56 78`).' }),
    email: emailField.optional().meta({ description: 'Only the customer with this email, in any case.' }),
    createdFrom: queryInstantField.optional().meta({ description: 'Only customers created at or after this instant (ISO 8601 with an offset).' }),
    createdTo: queryInstantField.optional().meta({ description: 'Only customers created before this instant.' }),
    ...pageFields,
  })
  .strict()
  .superRefine(rangesInOrder(['createdFrom', 'createdTo']));
export type ListCustomersQuery = z.infer<typeof listCustomersQuery>;
