import { ApiKeyEntity } from './api-key.entity';
import { CampaignEntity } from './campaign.entity';
import { ConsentWithdrawalEntity } from './consent-withdrawal.entity';
import { CustomerEntity } from './customer.entity';
import { EmailOptOutEntity } from './email-opt-out.entity';
import { ErasureEntity } from './erasure.entity';
import { ExportLedgerEntryEntity } from './export-ledger-entry.entity';
import { ExportSettingsEntity } from './export-settings.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { MerchantEntity } from './merchant.entity';
import { MessageTemplateEntity } from './message-template.entity';
import { NotificationEventEntity } from './notification-event.entity';
import { NotificationEntity } from './notification.entity';
import { OptOutEntity } from './opt-out.entity';
import { OrderEntity } from './order.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export * from './api-key.entity';
export * from './campaign.entity';
export * from './consent-withdrawal.entity';
export * from './customer.entity';
export * from './email-opt-out.entity';
export * from './erasure.entity';
export * from './export-ledger-entry.entity';
export * from './export-settings.entity';
export * from './idempotency-key.entity';
export * from './merchant.entity';
export * from './message-template.entity';
export * from './notification-event.entity';
export * from './notification.entity';
export * from './opt-out.entity';
export * from './order.entity';
export * from './webhook-delivery.entity';
export * from './webhook-endpoint.entity';

export const ENTITIES = [
  MerchantEntity,
  ApiKeyEntity,
  CustomerEntity,
  OrderEntity,
  NotificationEntity,
  NotificationEventEntity,
  IdempotencyKeyEntity,
  OptOutEntity,
  ExportSettingsEntity,
  ExportLedgerEntryEntity,
  MessageTemplateEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  CampaignEntity,
  EmailOptOutEntity,
  ConsentWithdrawalEntity,
  ErasureEntity,
];
