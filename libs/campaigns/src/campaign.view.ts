import { z } from 'zod';
import { instantView, testFlagView } from '@herald/notifications';
import { CampaignEntity, NOTIFICATION_STATUSES, NotificationStatus } from '@herald/persistence';

const EXAMPLE_ID = '7c1e5a3b-2d4f-4a6b-8c0e-9f1a3b5c7d2e';

export const campaignStatusSchema = z.enum(['preparing', 'scheduled', 'sending', 'completed', 'cancelled']).meta({
  id: 'CampaignStatus',
  description:
    '`preparing` (its audience is being resolved into sends), `scheduled` (waiting for its time), `sending`, `completed` (no send is ' +
    'pending any more) or `cancelled` (nothing more goes out).',
});

const statusCounts = z
  .object(Object.fromEntries(NOTIFICATION_STATUSES.map((status) => [status, z.number().int().min(0).meta({ description: `Sends now \`${status}\`.`, example: 0 })])))
  .meta({ description: 'The campaign’s sends by status (fallbacks apart).' });

export const campaignView = z
  .object({
    id: z.uuid().meta({ description: 'The campaign id.', example: EXAMPLE_ID }),
    name: z.string().meta({ description: 'Your name for it.', example: 'Closed on Monday' }),
    status: campaignStatusSchema,
    body: z.string().nullable().meta({ description: 'The text; null when it uses your `campaign` template.', example: 'We are closed on Monday 8 December. See you on Tuesday!' }),
    locale: z.string().nullable().meta({ description: 'The language every send uses; null: each customer’s own.', example: null }),
    audience: z
      .object({
        all: z.boolean().meta({ description: 'Every one of your customers.', example: true }),
        customerIds: z.array(z.uuid()).nullable().meta({ description: 'The customers named, when not all.', example: null }),
      })
      .meta({ description: 'Who it is for.' }),
    sendAt: instantView('When you asked it to go').nullable(),
    scheduledFor: instantView('When it goes: `sendAt` (or its creation), moved to the end of your quiet hours when inside them'),
    recipients: z.number().int().min(0).meta({ description: 'Customers given a send so far (one per customer, on its channel).', example: 482 }),
    counts: statusCounts,
    skipped: z
      .record(z.string(), z.number().int())
      .meta({
        description: 'Customers given no send, by reason: `opted_out` (every channel it has is withdrawn), `no_contact` (neither phone nor email), `frequency_cap` (the customer has had as many campaign messages that day or week as your `frequencyCaps` allow).',
        example: { opted_out: 12, no_contact: 6, frequency_cap: 40 },
      }),
    fallbacks: z.number().int().min(0).meta({ description: 'Sends that failed for good and went again on the customer’s other channel.', example: 3 }),
    test: testFlagView('True for a campaign made with a test key: it reaches your test customers only, through the `log` driver. Only test keys see it.'),
    createdAt: instantView('When it was created', '2026-11-30T16:20:00.000Z'),
    cancelledAt: instantView('When it was cancelled').nullable(),
  })
  .meta({ id: 'Campaign', description: 'A message to many of your customers, on `bulk`, with its progress.' });
export type CampaignView = z.infer<typeof campaignView>;

export const campaignPageView = z
  .object({
    data: z.array(campaignView).meta({ description: 'Newest first.' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.', example: null }),
  })
  .meta({ id: 'CampaignPage', description: 'One page of campaigns.' });
export type CampaignPageView = z.infer<typeof campaignPageView>;

const PENDING: NotificationStatus[] = ['scheduled', 'queued', 'sending'];

export function toCampaignView(
  campaign: CampaignEntity,
  { byStatus, fallbacks }: { byStatus: Partial<Record<NotificationStatus, number>>; fallbacks: number },
  now = new Date(),
): CampaignView {
  const counts = Object.fromEntries(NOTIFICATION_STATUSES.map((status) => [status, byStatus[status] ?? 0])) as Record<NotificationStatus, number>;
  const scheduledFor = new Date(campaign.scheduledFor);
  const status = campaign.cancelledAt
    ? 'cancelled'
    : !campaign.fannedOutAt
      ? 'preparing'
      : PENDING.some((s) => counts[s] > 0)
        ? scheduledFor > now
          ? 'scheduled'
          : 'sending'
        : 'completed';
  return {
    id: campaign.id,
    name: campaign.name,
    status,
    body: campaign.body,
    locale: campaign.locale,
    audience: { all: campaign.customerIds === null, customerIds: campaign.customerIds },
    sendAt: campaign.sendAt && new Date(campaign.sendAt).toISOString(),
    scheduledFor: scheduledFor.toISOString(),
    recipients: Object.values(counts).reduce((a, b) => a + b, 0),
    counts,
    skipped: campaign.skipped,
    fallbacks,
    test: campaign.test,
    createdAt: new Date(campaign.createdAt).toISOString(),
    cancelledAt: campaign.cancelledAt && new Date(campaign.cancelledAt).toISOString(),
  };
}

export const campaignAudienceView = z
  .object({
    customers: z.number().int().min(0).meta({ description: 'Every one of your customers (in the key’s world).', example: 540 }),
    sms: z.number().int().min(0).meta({ description: 'Those a campaign to all would text.', example: 482 }),
    email: z.number().int().min(0).meta({ description: 'Those it would email.', example: 40 }),
    whatsapp: z.number().int().min(0).meta({ description: 'Those it would message on WhatsApp (customers who prefer it).', example: 18 }),
    skipped: z.record(z.string(), z.number().int()).meta({
      description: 'Those it would skip, by reason: `opted_out` (every channel it has is withdrawn), `no_contact` (neither phone nor email).',
      example: { opted_out: 12, no_contact: 6 },
    }),
  })
  .meta({
    id: 'CampaignAudience',
    description: 'Whom a campaign to all your customers would reach now, and on which channel: what to check before sending one. Frequency caps are applied when it goes.',
  });
export type CampaignAudienceView = z.infer<typeof campaignAudienceView>;
