import { z } from 'zod';
import type { RequestExamples } from '../http/openapi';
import { exampleInstant } from './examples';
import { instantField, localeField, pageFields, uuidField } from './fields';

/** About 390 KB of JSON at most: POST /v1/campaigns reads bodies up to 1 MB (see main.ts); larger audiences are `all`. */
export const MAX_AUDIENCE_IDS = 10_000;

export const createCampaignBody = z
  .object({
    name: z.string().trim().min(1).max(200).meta({ description: 'Your name for it, shown in its progress.', example: 'Closed on Monday' }),
    body: z.string().trim().min(1).max(1600).optional().meta({
      description: 'The text, sent as it is. Give `body` or `template`, not both (400 `campaign_body_or_template`).',
      example: 'We are closed on Monday 8 December. See you on Tuesday!',
    }),
    template: z.literal('campaign').optional().meta({
      description: 'Instead of `body`: your `campaign` template (PUT /v1/templates/campaign/{locale}), rendered for each customer in its language.',
      example: 'campaign',
    }),
    subject: z.string().trim().min(1).max(200).optional().meta({ description: 'Email only: the subject; default "Message from <your shop name>".', example: 'Closed on Monday' }),
    locale: localeField.optional().meta({ description: 'The language of every send; default each customer’s own.' }),
    audience: z
      .object({
        all: z.literal(true).optional().meta({ description: 'Every one of your customers.', example: true }),
        customerIds: z
          .array(uuidField)
          .max(MAX_AUDIENCE_IDS)
          .optional()
          .meta({ description: `Up to ${MAX_AUDIENCE_IDS} of your customers (another merchant’s or an unknown id: 400 \`unknown_customer\`).`, example: ['0b6f2d4e-7a1c-4e3b-9d5f-8c2a6e4b1f3d'] }),
      })
      .strict()
      .meta({ description: '`{all: true}` or `{customerIds: [...]}`; neither, or an empty list, answers 400 `empty_audience`.' }),
    sendAt: instantField.optional().meta({
      description:
        'When to send: ISO 8601 with an offset, at most MAX_SCHEDULE_AHEAD ahead (422 `schedule_too_far_ahead`); omitted or past means now. ' +
        'Inside your quiet hours it goes when they end.',
    }),
  })
  .strict()
  .meta({
    id: 'CreateCampaignRequest',
    description:
      'A message to many customers, one send each on `bulk`: on the customer’s preferred channel if it is known and consented, else the other; ' +
      'customers reachable on neither are counted in `skipped` by reason.',
  });
export type CreateCampaignBody = z.infer<typeof createCampaignBody>;

export const createCampaignExamples: RequestExamples = {
  everyone: { summary: 'Everyone, now', value: { name: 'Closed on Monday', body: 'We are closed on Monday 8 December. See you on Tuesday!', audience: { all: true } } },
  later: {
    summary: 'Everyone, in French, tomorrow morning',
    value: { name: 'Horaires de Noël', body: 'Nous fermons à 16 h le 24 décembre.', subject: 'Horaires de Noël', locale: 'fr', audience: { all: true }, sendAt: exampleInstant(1, 9) },
  },
};

export const listCampaignsQuery = z
  .object({
    ...pageFields,
  })
  .strict();
export type ListCampaignsQuery = z.infer<typeof listCampaignsQuery>;
