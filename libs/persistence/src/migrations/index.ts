import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { OptOuts1763900000000 } from './1763900000000-opt-outs';
import { ReminderFollowUps1764100000000 } from './1764100000000-reminder-follow-ups';
import { Exports1764200000000 } from './1764200000000-exports';
import { MerchantSettingsAndTemplates1764500000000 } from './1764500000000-merchant-settings-and-templates';
import { LiveEvents1764600000000 } from './1764600000000-live-events';
import { CustomersAndCampaigns1764700000000 } from './1764700000000-customers-and-campaigns';
import { OrderNotificationCustomers1765100000000 } from './1765100000000-order-notification-customers';
import { ConsentWithdrawals1764830000000 } from './1764830000000-consent-withdrawals';
import { OrderAndCustomerLists1765200000000 } from './1765200000000-order-and-customer-lists';
import { ApiKeys1765300000000 } from './1765300000000-api-keys';
import { MerchantStatusAndAudit1765400000000 } from './1765400000000-merchant-status-and-audit';
import { CustomerErasure1765500000000 } from './1765500000000-customer-erasure';
import { Retention1765600000000 } from './1765600000000-retention';
import { TestKeys1765700000000 } from './1765700000000-test-keys';
import { ConsoleSessions1765800000000 } from './1765800000000-console-sessions';
import { FrequencyCaps1766000000000 } from './1766000000000-frequency-caps';
import { ErasureInTestWorld1766100000000 } from './1766100000000-erasure-in-test-world';
import { SmsSendersByProvider1766300000000 } from './1766300000000-sms-senders-by-provider';
import { WhatsApp1766400000000 } from './1766400000000-whatsapp';

/** Every migration, in order. New schema changes are appended here, never applied by `synchronize`. */
export const MIGRATIONS = [
  InitialSchema1763800000000,
  OptOuts1763900000000,
  ReminderFollowUps1764100000000,
  Exports1764200000000,
  MerchantSettingsAndTemplates1764500000000,
  LiveEvents1764600000000,
  CustomersAndCampaigns1764700000000,
  ConsentWithdrawals1764830000000,
  OrderNotificationCustomers1765100000000,
  OrderAndCustomerLists1765200000000,
  ApiKeys1765300000000,
  MerchantStatusAndAudit1765400000000,
  CustomerErasure1765500000000,
  Retention1765600000000,
  TestKeys1765700000000,
  ConsoleSessions1765800000000,
  FrequencyCaps1766000000000,
  ErasureInTestWorld1766100000000,
  SmsSendersByProvider1766300000000,
  WhatsApp1766400000000,
];
