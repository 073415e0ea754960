import { z } from 'zod';
import { TEMPLATE_KINDS, TEMPLATE_VARIABLES, TemplateVariable, VARIABLE_MEANINGS, VARIABLES_OF_KIND } from '@herald/messages';
import { smsEncodingSchema } from '@herald/notifications';
import { CHANNELS } from '@herald/persistence';
import type { MessageTemplateEntity } from '@herald/persistence';

/** Every variable with its meaning, for the documents. */
export const VARIABLES_DOC = TEMPLATE_VARIABLES.map((name) => `\`{{${name}}}\`: ${VARIABLE_MEANINGS[name]}`).join('; ');

export const templateKindSchema = z.enum(TEMPLATE_KINDS).meta({
  id: 'TemplateKind',
  description:
    '`confirmation` and `reminder` of an order; `reminder_moved`, the reminder sent when the pickup moved after the first one went out; ' +
    `\`campaign\`, a message to many customers (only ${VARIABLES_OF_KIND.campaign.map((v) => `\`{{${v}}}\``).join(' and ')}).`,
});

const timestamp = (description: string) => z.iso.datetime({ offset: true }).meta({ description: `${description}. ISO 8601 with an offset.`, example: '2026-11-30T16:20:00.000Z' });

export const templateView = z
  .object({
    kind: templateKindSchema,
    locale: z.string().meta({ description: 'The language it is in (canonical BCP 47: `fr`, `fr-CA`, `ar`); it serves customers of that tag or, for a bare language, of any of its regions.', example: 'ar' }),
    channel: z.enum(CHANNELS).nullable().meta({ description: 'The channel it is for (`sms`, `email` or `whatsapp`); null: every channel (a channel’s own template wins over it).', example: null }),
    subject: z.string().nullable().meta({ description: 'Email subject (a template too); null: the built-in subject.', example: null }),
    body: z.string().meta({ description: 'The text, with `{{variables}}`.', example: 'مرحبًا {{customerName}}، طلبك {{reference}} جاهز {{pickupWhen}}.' }),
    contentSid: z.string().nullable().meta({
      description: 'WhatsApp only: the Twilio Content template (approved by WhatsApp) a message goes as outside the customer’s 24-hour session window; null otherwise.',
      example: null,
    }),
    contentVariables: z.array(z.enum(TEMPLATE_VARIABLES)).nullable().meta({
      description: 'With `contentSid`: the variables filling the Content template’s `{{1}}`, `{{2}}`…, in that order.',
      example: null,
    }),
    createdAt: timestamp('When it was first saved'),
    updatedAt: timestamp('When it last changed'),
  })
  .meta({ id: 'MessageTemplate', description: `A merchant’s text for one kind of message in one language. Variables: ${VARIABLES_DOC}.` });
export type TemplateView = z.infer<typeof templateView>;

export const templateListView = z
  .object({ data: z.array(templateView).meta({ description: 'By kind, locale, then channel (every-channel first).' }) })
  .meta({ id: 'MessageTemplateList', description: 'The merchant’s templates.' });

export const builtInTextView = z
  .object({
    kind: templateKindSchema,
    locale: z.string().meta({ description: 'The language.', example: 'es' }),
    subject: z.string().meta({ description: 'The email subject.', example: '{{shopName}}: pedido {{reference}} confirmado' }),
    body: z.string().meta({ description: 'The text.', example: '{{#customerName}}Hola {{customerName}}, {{/customerName}}{{shopName}} ha recibido tu pedido {{reference}}. Recogida {{pickupWhen}}.' }),
  })
  .meta({ id: 'BuiltInText', description: 'One of Herald’s own texts: what a message uses when the merchant has no template for it.' });

export const builtInTextListView = z
  .object({ data: z.array(builtInTextView).meta({ description: 'Every built-in text: confirmation, reminder and reminder_moved in en, fr, es and ar.' }) })
  .meta({ id: 'BuiltInTextList', description: 'Herald’s own texts, to start a template from.' });

export const templatePreviewView = z
  .object({
    text: z.string().meta({ description: 'The body rendered with sample values (customer Ada, order A-1042, pickup tomorrow at 10:00 your time).', example: 'مرحبًا \u2068Ada\u2069، طلبك \u2068A-1042\u2069 جاهز \u2068غدًا الساعة 10:00 ص\u2069.' }),
    subject: z.string().nullable().meta({ description: 'The rendered subject, for email; null for SMS.', example: null }),
    encoding: smsEncodingSchema
      .nullable()
      .meta({ description: 'For SMS: how the text travels, `GSM-7` (160 characters, then 153 per segment) or `UCS-2` (70, then 67); null for email.', example: 'UCS-2' }),
    segments: z.number().int().min(1).nullable().meta({ description: 'For SMS: how many segments it is sent (and billed) as; null for email.', example: 1 }),
  })
  .meta({ id: 'TemplatePreview', description: 'A template rendered with sample values, and what it costs as an SMS.' });
export type TemplatePreviewView = z.infer<typeof templatePreviewView>;

export function toTemplateView(template: MessageTemplateEntity): TemplateView {
  return {
    kind: template.kind,
    locale: template.locale,
    channel: template.channel,
    subject: template.subject,
    body: template.body,
    contentSid: template.contentSid ?? null,
    contentVariables: (template.contentVariables as TemplateVariable[] | null) ?? null,
    createdAt: new Date(template.createdAt).toISOString(),
    updatedAt: new Date(template.updatedAt).toISOString(),
  };
}
