import { z } from 'zod';
import { instantView, testFlagView } from '@herald/notifications';
import type { CustomerRecord } from '@herald/persistence';

export const customerView = z
  .object({
    id: z.uuid().meta({ description: 'The customer id (an order’s `customerId`).', example: '0b6f2d4e-7a1c-4e3b-9d5f-8c2a6e4b1f3d' }),
    name: z.string().nullable().meta({ description: 'As the last order gave it.', example: 'Ada' }),
    phone: z.string().nullable().meta({ description: 'E.164 phone number, for SMS.', example: '+33612345678' }),
    email: z.string().nullable().meta({ description: 'Email address.', example: 'ada@example.com' }),
    locale: z.string().meta({ description: 'The language messages to this customer are written in.', example: 'fr' }),
    // Inline rather than the Channel component: OpenAPI 3.0 cannot make a reference nullable.
    preferredChannel: z.enum(['sms', 'email', 'whatsapp']).nullable().meta({
      description:
        'Where messages go when an order names no `channels`, and the channel a campaign tries first; null: SMS when the phone is known. ' +
        'When a message on it fails for good (invalid number, opted out, bounced, not on WhatsApp), a fallback goes on the other channel ' +
        '(WhatsApp → SMS, SMS → email, email → SMS) if it is known and consented.',
      example: 'email',
    }),
    consent: z
      .object({
        sms: z.boolean().meta({ description: 'False once the customer texted STOP to your sender, Twilio reported it unsubscribed, or you withdrew it.', example: true }),
        email: z.boolean().meta({ description: 'False once the customer unsubscribed or reported spam (SendGrid events), or you withdrew it.', example: true }),
        whatsapp: z.boolean().meta({ description: 'False once the customer sent STOP over WhatsApp, or you withdrew it. SMS consent is apart.', example: true }),
      })
      .meta({ description: 'Whether each channel may be used; a channel with no contact says true but cannot be used.' }),
    test: testFlagView('True for a customer of your test world (made by a test key, or by a test key’s order): only test keys see it.'),
    optedOutByCustomer: z
      .object({
        sms: z.boolean().meta({ description: 'True when the customer texted STOP to your sender (or Twilio reported it unsubscribed): only the customer can take it back, with START.', example: false }),
        email: z.boolean().meta({ description: 'True when the customer unsubscribed or reported spam: only the customer can take it back.', example: false }),
        whatsapp: z.boolean().meta({ description: 'True when the customer sent STOP over WhatsApp: only the customer can take it back, with START.', example: false }),
      })
      .meta({ description: 'Which withdrawals in `consent` are the customer’s own rather than yours: PATCH cannot give those channels back (409 `opted_out_by_customer`).' }),
    createdAt: instantView('When it was created: by POST /v1/customers or by its first order', '2026-11-30T16:20:00.000Z'),
  })
  .meta({ id: 'Customer', description: 'A customer of yours, its preferences and consent.' });
export type CustomerView = z.infer<typeof customerView>;

export const customerPageView = z
  .object({
    data: z.array(customerView).meta({ description: 'Newest first.' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
  })
  .meta({ id: 'CustomerPage', description: 'One page of customers.' });
export type CustomerPageView = z.infer<typeof customerPageView>;

export function toCustomerView(customer: CustomerRecord): CustomerView {
  return {
    id: customer.id,
    name: customer.name,
    phone: customer.phone,
    email: customer.email,
    locale: customer.locale,
    preferredChannel: customer.preferredChannel,
    consent: { sms: !customer.smsOptedOut, email: !customer.emailOptedOut, whatsapp: !customer.whatsappOptedOut },
    test: customer.test,
    optedOutByCustomer: { sms: customer.smsOptedOutByCustomer, email: customer.emailOptedOutByCustomer, whatsapp: customer.whatsappOptedOutByCustomer },
    createdAt: new Date(customer.createdAt).toISOString(),
  };
}
