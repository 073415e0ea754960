import { z } from 'zod';
import { RENDERED_MAX, TEMPLATE_MAX, TEMPLATE_VARIABLES } from '@herald/messages';
import type { ErrorCode } from '@herald/errors';
import { channelSchema } from '@herald/notifications';
import { templateKindSchema, VARIABLES_DOC } from '@herald/templates';
import type { RequestExamples } from '../http/openapi';
import { localeField } from './fields';

const SMS_BODY_MAX = TEMPLATE_MAX.smsBody;
const EMAIL_BODY_MAX = TEMPLATE_MAX.emailBody;

const SYNTAX =
  'Mustache, logic-less: `{{variable}}`, sections `{{#customerName}}…{{/customerName}}` and `{{^customerName}}…{{/customerName}}`, ' +
  'comments `{{! … }}`; no partials, no delimiter changes. Nothing is HTML-escaped: SMS and email texts are plain text. ' +
  'An unknown variable or a syntax error answers 400 with its `position` (offset, line, column). ' +
  `A text that could render longer than a message may be, every variable at its longest, answers 400 \`template_too_long\`: ` +
  `at most ${RENDERED_MAX.smsBody} characters for an SMS (Twilio's limit; a template without \`channel\` serves SMS too), ` +
  `${RENDERED_MAX.emailBody} for an email body, ${RENDERED_MAX.emailSubject} for a subject.`;

const templateText = (max: number) => z.string().max(max).refine((text) => text.trim().length > 0, 'must not be empty');

export const templateKindParam = templateKindSchema;
export const templateLocaleParam = localeField;

export const templateChannelQuery = z
  .object({ channel: channelSchema.optional().meta({ description: 'The channel’s own template; omitted: the one for every channel.' }) })
  .strict();
export type TemplateChannelQuery = z.infer<typeof templateChannelQuery>;

export const listTemplatesQuery = z
  .object({
    kind: templateKindSchema.optional().meta({ description: 'Only templates of this kind.' }),
    locale: localeField.optional().meta({ description: 'Only templates in exactly this locale.' }),
  })
  .strict();
export type ListTemplatesQuery = z.infer<typeof listTemplatesQuery>;

export const putTemplateBody = z
  .object({
    channel: channelSchema.optional().meta({ description: 'Only for this channel; omitted: for every channel (a channel’s own template wins over it).' }),
    subject: templateText(TEMPLATE_MAX.subject).optional().meta({ description: 'Email subject, a template too; omitted: the built-in subject of the kind.', example: '{{shopName}}: تذكير بالطلب {{reference}}' }),
    body: templateText(EMAIL_BODY_MAX).meta({ description: `The text. ${SYNTAX} Variables: ${VARIABLES_DOC}.`, example: 'مرحبًا {{customerName}}، طلبك {{reference}} جاهز {{pickupWhen}}.' }),
    contentSid: z
      .string()
      .regex(/^HX[0-9a-fA-F]{32}$/, 'must be a Twilio Content SID: HX followed by 32 hexadecimal digits')
      .optional()
      .meta({
        description:
          'WhatsApp only (`channel: "whatsapp"`): the Twilio Content template, approved by WhatsApp, that messages of this kind and language go as ' +
          'outside the customer’s 24-hour session window (WhatsApp takes no free-form message then); within it, `body` goes free-form. ' +
          'Without one, such a message fails (`whatsapp_template_missing`) and falls back to SMS. A bad SID answers 400 `invalid_content_sid`.',
        example: 'HXb5b62575e6e4ff6129ad7c8efe1f983e',
      }),
    contentVariables: z
      .array(z.enum(TEMPLATE_VARIABLES))
      .max(TEMPLATE_VARIABLES.length)
      .optional()
      .meta({
        description:
          'With `contentSid`: the variables whose values fill the Content template’s `{{1}}`, `{{2}}`…, in that order (sent as `ContentVariables`). ' +
          'A variable the kind does not have answers 400 `invalid_content_variables`.',
        example: ['customerName', 'reference', 'pickupWhen'],
      }),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.subject !== undefined && value.channel !== undefined && value.channel !== 'email') {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: `${value.channel === 'sms' ? 'an SMS' : 'a WhatsApp message'} has no subject` });
    }
    if (value.contentSid !== undefined && value.channel !== 'whatsapp') {
      ctx.addIssue({ code: 'custom', path: ['contentSid'], message: 'only a WhatsApp template (channel whatsapp) names a Twilio Content template' });
    }
    if (value.contentVariables !== undefined && value.contentSid === undefined) {
      ctx.addIssue({ code: 'custom', path: ['contentVariables'], message: 'contentVariables needs contentSid' });
    }
    if (value.channel !== 'email' && value.body.length > SMS_BODY_MAX) {
      ctx.addIssue({ code: 'custom', path: ['body'], message: `an SMS text is at most ${SMS_BODY_MAX} characters (Twilio's limit)` });
    }
  })
  .meta({ id: 'PutTemplateRequest', description: 'A template: its text, for one channel or every channel, and an email subject.' });
export type PutTemplateBody = z.infer<typeof putTemplateBody>;

export const TEMPLATE_FIELD_CODES: Record<string, ErrorCode> = { contentSid: 'invalid_content_sid', contentVariables: 'invalid_content_variables' };

export const putTemplateExamples: RequestExamples = {
  everyChannel: {
    summary: 'An Arabic reminder, for SMS and email',
    value: { body: '{{#customerName}}مرحبًا {{customerName}}، {{/customerName}}طلبك {{reference}} من {{shopName}} جاهز {{pickupWhen}}.' },
  },
  email: {
    summary: 'Its email version, with a subject',
    value: {
      channel: 'email',
      subject: '{{shopName}}: طلبك {{reference}} جاهز',
      body: '{{#customerName}}مرحبًا {{customerName}}،\n\n{{/customerName}}طلبك {{reference}} من {{shopName}} جاهز {{pickupDate}} الساعة {{pickupTime}}.',
    },
  },
  whatsapp: {
    summary: 'Its WhatsApp version: free-form in the session window, the approved Content template outside it',
    value: {
      channel: 'whatsapp',
      body: 'مرحبًا {{customerName}}، طلبك {{reference}} جاهز {{pickupWhen}}.',
      contentSid: 'HXb5b62575e6e4ff6129ad7c8efe1f983e',
      contentVariables: ['customerName', 'reference', 'pickupWhen'],
    },
  },
};

export const previewTemplateBody = z
  .object({
    kind: templateKindSchema,
    locale: localeField.meta({ description: 'The language to render dates and times in.' }),
    channel: channelSchema,
    subject: templateText(TEMPLATE_MAX.subject).optional().meta({ description: 'Email only: a subject to render as well.', example: '{{shopName}}: order {{reference}}' }),
    body: templateText(EMAIL_BODY_MAX).meta({ description: `The text to render. ${SYNTAX}`, example: 'Hi {{customerName}}, your order {{reference}} is ready {{pickupWhen}}.' }),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.subject !== undefined && value.channel !== 'email') ctx.addIssue({ code: 'custom', path: ['subject'], message: 'only an email has a subject' });
  })
  .meta({ id: 'PreviewTemplateRequest', description: 'A text to try: rendered with sample values, never saved or sent.' });
export type PreviewTemplateBody = z.infer<typeof previewTemplateBody>;

export const previewTemplateExamples: RequestExamples = {
  arabicSms: {
    summary: 'An Arabic reminder by SMS: UCS-2',
    value: { kind: 'reminder', locale: 'ar', channel: 'sms', body: 'مرحبًا {{customerName}}، طلبك {{reference}} من {{shopName}} جاهز {{pickupWhen}}.' },
  },
  englishSms: {
    summary: 'An English confirmation by SMS: GSM-7',
    value: { kind: 'confirmation', locale: 'en-GB', channel: 'sms', body: 'Hi {{customerName}}, {{shopName}} has your order {{reference}}: pickup {{pickupWhen}}.' },
  },
  campaignEmail: {
    summary: 'A campaign email',
    value: { kind: 'campaign', locale: 'fr', channel: 'email', subject: '{{shopName}} : fermeture lundi', body: 'Bonjour {{customerName}}, {{shopName}} sera fermée lundi.' },
  },
};
