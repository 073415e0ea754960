import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError, notFound } from '@herald/errors';
import { decodeCursor, encodeCursor } from '@herald/notifications';
import { Channel, CustomerPageQuery, CustomerRecord, CustomerRepository, MerchantEntity, OptOutRepository } from '@herald/persistence';
import { CustomerPageView, CustomerView, toCustomerView } from './customer.view';
import { platformSmsSender } from './platform-sender';
import { channelsByPreference } from './reachable-channel';

export interface CustomerChanges {
  preferredChannel?: Channel | null;
  locale?: string;
  consent?: { sms?: boolean; email?: boolean };
}

/** A customer created ahead of any order: a phone, an email, or both. */
export interface NewCustomerInput {
  name?: string;
  phone?: string;
  email?: string;
  locale?: string;
  preferredChannel?: Channel | null;
}

/** GET /v1/customers: filters, page size and the previous page's `nextCursor`. */
export type CustomerListQuery = Omit<CustomerPageQuery, 'merchantId' | 'after'> & { cursor?: string };

/** Email opt-outs SendGrid reports: the customer unsubscribed, or marked the mail as spam. */
export type EmailOptOutEvent = 'unsubscribe' | 'group_unsubscribe' | 'spamreport';

/**
 * Customers as merchants address them: their preferred channel, their language, and consent per channel. The customer
 * withdraws SMS consent from the sender it texted STOP to (every merchant sending from that number), and email consent
 * from the merchant whose mail it unsubscribed from (SendGrid's unsubscribe and spam-report events). A merchant's own
 * withdrawal holds for that merchant alone. Each is undone only by whoever made it.
 */
@Injectable()
export class CustomersService {
  private readonly logger = new Logger(CustomersService.name);
  private readonly platformSender: string;

  constructor(
    private readonly customers: CustomerRepository,
    private readonly optOuts: OptOutRepository,
    @InjectConfig() config: HeraldConfig,
  ) {
    this.platformSender = platformSmsSender(config);
  }

  async get(merchant: MerchantEntity, id: string): Promise<CustomerView> {
    return toCustomerView(await this.findOwned(merchant, id));
  }

  async list(merchant: MerchantEntity, { cursor, ...filters }: CustomerListQuery): Promise<CustomerPageView> {
    const rows = await this.customers.page(
      { ...filters, merchantId: merchant.id, limit: filters.limit + 1, after: cursor ? decodeCursor(cursor) : undefined },
      this.platformSender,
    );
    const page = rows.slice(0, filters.limit);
    const last = page[page.length - 1];
    return {
      data: page.map(toCustomerView),
      nextCursor: rows.length > filters.limit && last ? encodeCursor({ createdAt: new Date(last.createdAt), id: last.id }) : null,
    };
  }

  /** A phone or email another of the merchant's customers has is refused (409), never merged into it. */
  async create(merchant: MerchantEntity, input: NewCustomerInput): Promise<CustomerView> {
    const contacts = { phone: input.phone ?? null, email: input.email ?? null };
    if (input.preferredChannel) this.contactOf(contacts, input.preferredChannel);
    const id = randomUUID();
    const { taken } = await this.customers.createUnlessContactTaken({
      id,
      merchantId: merchant.id,
      name: input.name ?? null,
      ...contacts,
      locale: input.locale ?? merchant.defaultLocale,
      preferredChannel: input.preferredChannel ?? null,
    });
    if (taken) {
      throw new DomainError('conflict', 'customer_contact_taken', `another of your customers has this ${taken === 'phone' ? 'phone number' : 'email address'}`, {
        field: taken,
      });
    }
    return this.get(merchant, id);
  }

  /** The customer, or 404 `customer_not_found` (another merchant's customer is not found either). */
  async findOwned(merchant: Pick<MerchantEntity, 'id'>, id: string): Promise<CustomerRecord> {
    const customer = await this.customers.findForMerchant(merchant.id, id, this.platformSender);
    if (!customer) throw notFound('customer');
    return customer;
  }

  /** A customer an order or a campaign names by id; another merchant's, or none, is 400 `unknown_customer`. */
  async findForOrder(merchant: Pick<MerchantEntity, 'id'>, id: string): Promise<CustomerRecord> {
    const customer = await this.customers.findForMerchant(merchant.id, id, this.platformSender);
    if (!customer) throw new DomainError('invalid', 'unknown_customer', `customerId ${id} is not one of your customers`, { customerIds: [id] });
    return customer;
  }

  /** A customer an order gives by its contacts, if the merchant has it already: its preferences hold. */
  returning(merchant: Pick<MerchantEntity, 'id'>, contacts: { phone?: string; email?: string }): Promise<Pick<CustomerRecord, 'preferredChannel' | 'locale'> | null> {
    return this.customers.findByContacts(merchant.id, contacts.phone ?? null, contacts.email ?? null);
  }

  /** The channel of an order that names none: the preferred one if the customer has that contact, else the other. */
  defaultChannelOf(contacts: { phone?: string | null; email?: string | null }, preferredChannel: Channel | null): Channel {
    return channelsByPreference({ preferredChannel }).find((channel) => (channel === 'sms' ? contacts.phone : contacts.email)) ?? 'sms';
  }

  async update(merchant: MerchantEntity, id: string, changes: CustomerChanges): Promise<CustomerView> {
    const customer = await this.findOwned(merchant, id);
    if (changes.preferredChannel) this.contactOf(customer, changes.preferredChannel);
    if (changes.consent?.sms !== undefined) await this.setSmsConsent(merchant, customer, changes.consent.sms);
    if (changes.consent?.email !== undefined) await this.setEmailConsent(merchant, customer, changes.consent.email);
    await this.customers.update(merchant.id, id, { preferredChannel: changes.preferredChannel, locale: changes.locale });
    return this.get(merchant, id);
  }

  /** A SendGrid event saying the recipient of one of the merchant's mails wants no more of them. */
  async emailOptedOut(merchantId: string, email: string, event: EmailOptOutEvent): Promise<void> {
    const changed = await this.customers.optOutEmail(merchantId, email.toLowerCase(), event === 'spamreport' ? 'spamreport' : 'unsubscribe');
    this.logger.log({ msg: 'email opted out by the customer', merchantId, event, changed });
  }

  /** Giving consent back while the customer's own opt-out stands is refused (409) and changes nothing. */
  private async setSmsConsent(merchant: MerchantEntity, customer: CustomerRecord, consent: boolean): Promise<void> {
    const phone = this.contactOf(customer, 'sms');
    if (!consent) return this.optOuts.withdrawByMerchant(merchant.id, 'sms', phone);
    if (customer.smsOptedOutByCustomer) {
      throw new DomainError('conflict', 'opted_out_by_customer', 'the customer opted out of SMS (STOP); only the customer can opt back in, by texting START');
    }
    await this.optOuts.restoreByMerchant(merchant.id, 'sms', phone);
  }

  private async setEmailConsent(merchant: MerchantEntity, customer: CustomerRecord, consent: boolean): Promise<void> {
    const email = this.contactOf(customer, 'email');
    if (!consent) return this.optOuts.withdrawByMerchant(merchant.id, 'email', email);
    if (customer.emailOptedOutByCustomer) {
      throw new DomainError('conflict', 'opted_out_by_customer', 'the customer unsubscribed from your email; only the customer can opt back in');
    }
    await this.optOuts.restoreByMerchant(merchant.id, 'email', email);
  }

  private contactOf(customer: Pick<CustomerRecord, 'phone' | 'email'>, channel: Channel): string {
    const contact = channel === 'sms' ? customer.phone : customer.email;
    if (!contact) {
      throw new DomainError('unprocessable', 'channel_recipient_missing', `the customer has no ${channel === 'sms' ? 'phone number' : 'email address'}`);
    }
    return contact;
  }
}
