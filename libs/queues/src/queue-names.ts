import { z } from 'zod';

/** Queue names are part of the outside contract (Bull Board, operators' runbooks). */
export const CRITICAL_QUEUE = 'critical';
export const BULK_QUEUE = 'bulk';
export const DEAD_LETTER_QUEUE = 'dead-letter';
/**
 * A campaign's sends: `bulk` traffic, split per provider so that each has its own rate limit (a BullMQ limiter holds
 * for a whole queue, and Twilio and SendGrid each cap an account's rate).
 */
export const BULK_SMS_QUEUE = 'bulk-sms';
export const BULK_EMAIL_QUEUE = 'bulk-email';
export const CAMPAIGN_QUEUES = [BULK_SMS_QUEUE, BULK_EMAIL_QUEUE] as const;
export const SEND_QUEUES = [CRITICAL_QUEUE, BULK_QUEUE, ...CAMPAIGN_QUEUES] as const;
export const ALL_QUEUES = [CRITICAL_QUEUE, BULK_QUEUE, DEAD_LETTER_QUEUE, ...CAMPAIGN_QUEUES] as const;
export type SendQueueName = (typeof SEND_QUEUES)[number];
export type QueueName = (typeof ALL_QUEUES)[number];
export type CampaignQueueName = (typeof CAMPAIGN_QUEUES)[number];

/**
 * The queue a notification's job waits in: its priority's, or for a campaign's send its provider's campaign queue. A
 * test campaign's sends reach no provider, so they wait in `bulk` and spend none of a provider's rate limit.
 */
export function sendQueueOf(notification: { priority: 'critical' | 'bulk'; kind: string; channel: 'sms' | 'email' | 'whatsapp'; test: boolean }): SendQueueName {
  if (notification.kind !== 'campaign' || notification.test) return notification.priority;
  // WhatsApp goes through the Twilio account SMS use: one rate limit holds for both.
  return notification.channel === 'email' ? BULK_EMAIL_QUEUE : BULK_SMS_QUEUE;
}

export const SEND_NOTIFICATION_JOB = 'send-notification';
export const DEAD_LETTER_JOB = 'dead-letter';
/** Runs on `critical` from a BullMQ job scheduler: once per interval across all workers. */
export const RECONCILE_PENDING_JOB = 'reconcile-pending';
/** POSTs one event to the merchant's webhook; runs on `bulk`, so a slow merchant endpoint never delays a send. */
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';
export const WEBHOOK_DEAD_LETTER_JOB = 'webhook-dead-letter';

/** Queue data is input like any other: the worker parses it with these before acting. */
export const sendNotificationPayload = z.object({ notificationId: z.uuid() }).strict();
export type SendNotificationPayload = z.infer<typeof sendNotificationPayload>;

export const deadLetterPayload = z.object({
  notificationId: z.uuid(),
  queue: z.enum(SEND_QUEUES),
  jobName: z.string(),
  jobId: z.string(),
  payload: z.unknown(),
  error: z.object({ code: z.string().nullable(), message: z.string(), permanent: z.boolean() }),
  attempts: z.number().int().nonnegative(),
  failedAt: z.iso.datetime({ offset: true }),
});
export type DeadLetterPayload = z.infer<typeof deadLetterPayload>;

export const deliverWebhookPayload = z.object({ deliveryId: z.uuid() }).strict();
export type DeliverWebhookPayload = z.infer<typeof deliverWebhookPayload>;

export const webhookDeadLetterPayload = z.object({
  deliveryId: z.uuid(),
  merchantId: z.uuid(),
  notificationId: z.uuid(),
  /** The endpoint's host, for the operator. */
  host: z.string(),
  error: z.object({ code: z.string().nullable(), message: z.string() }),
  attempts: z.number().int().nonnegative(),
  failedAt: z.iso.datetime({ offset: true }),
});
export type WebhookDeadLetterPayload = z.infer<typeof webhookDeadLetterPayload>;

/** One job per webhook delivery. */
export const webhookJobId = (deliveryId: string) => `webhook-${deliveryId}`;

/** One job per notification: the id is derived, so enqueueing the same notification twice is a no-op. */
export const sendJobId = (notificationId: string) => `notification-${notificationId}`;

/** Runs on `bulk` from a BullMQ job scheduler (once per interval across all workers): finds exports due. */
export const EXPORT_TICK_JOB = 'export-tick';
/** Exports what one merchant has due: its missed days oldest first, then the resends it asked for. */
export const EXPORT_RUN_JOB = 'export-run';
export const exportRunPayload = z.object({ merchantId: z.uuid() }).strict();
export type ExportRunPayload = z.infer<typeof exportRunPayload>;

/** Runs on `bulk` from a BullMQ job scheduler (once per interval across all workers): starts the day's purge if due. */
export const RETENTION_TICK_JOB = 'retention-tick';
/** One slice of a day's purge (a few seconds of batches); it queues the next slice until the run is done. */
export const RETENTION_PURGE_JOB = 'retention-purge';
export const retentionPurgePayload = z
  .object({ day: z.iso.date(), claimId: z.uuid(), slice: z.number().int().nonnegative() })
  .strict();
export type RetentionPurgePayload = z.infer<typeof retentionPurgePayload>;

/** Resolves a campaign's audience into notifications, a chunk at a time; runs on `bulk`, one job per campaign. */
export const CAMPAIGN_FANOUT_JOB = 'campaign-fanout';
export const campaignFanOutPayload = z.object({ campaignId: z.uuid() }).strict();
export type CampaignFanOutPayload = z.infer<typeof campaignFanOutPayload>;
export const campaignFanOutJobId = (campaignId: string) => `campaign-${campaignId}`;

/** Erases one customer's personal data (DELETE /v1/customers/:id); runs on `bulk`, one job per erasure. */
export const ERASE_CUSTOMER_JOB = 'erase-customer';
export const eraseCustomerPayload = z.object({ erasureId: z.uuid() }).strict();
export type EraseCustomerPayload = z.infer<typeof eraseCustomerPayload>;
export const erasureJobId = (erasureId: string) => `erasure-${erasureId}`;
