import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError, notFound } from '@herald/errors';
import { decodeCursor, pageOf } from '@herald/notifications';
import { Channel, CHANNELS, contactFieldOf, CustomerPageQuery, CustomerRecord, CustomerRepository, MerchantEntity, OptOutRepository } from '@herald/persistence';
import type { EntityManager } from 'typeorm';
import { CustomerPageView, CustomerView, toCustomerView } from './customer.view';
import { platformSmsSender } from './platform-sender';
import { channelsByPreference } from './reachable-channel';

export interface CustomerChanges {
  name?: string;
  /** E.164, as the API normalised it. */
  phone?: string;
  /** Lower case, as the API normalised it. */
  email?: string;
  preferredChannel?: Channel | null;
  locale?: string;
  consent?: Partial<Record<Channel, boolean>>;
}

const UNIQUE_VIOLATION = '23505';

/** Whether the customer itself withdrew a channel, and what 409 `opted_out_by_customer` says when a merchant would give it back. */
const OPTED_OUT_BY_CUSTOMER: Record<Channel, { of: (customer: CustomerRecord) => boolean; message: string }> = {
  sms: { of: (c) => c.smsOptedOutByCustomer, message: 'the customer opted out of SMS (STOP); only the customer can opt back in, by texting START' },
  email: { of: (c) => c.emailOptedOutByCustomer, message: 'the customer unsubscribed from your email; only the customer can opt back in' },
  whatsapp: {
    of: (c) => c.whatsappOptedOutByCustomer,
    message: 'the customer opted out of WhatsApp (STOP); only the customer can opt back in, by sending START over WhatsApp',
  },
};

const CONTACT_NAMES = { phone: 'phone number', email: 'email address' } as const;

const contactTaken = (field: 'phone' | 'email') =>
  new DomainError('conflict', 'customer_contact_taken', `another of your customers has this ${CONTACT_NAMES[field]}`, { field });

/** 400 `unknown_customer`: the id an order or a campaign names is not one of the merchant's customers (or was erased). */
export const unknownCustomer = (id: string) =>
  new DomainError('invalid', 'unknown_customer', `customerId ${id} is not one of your customers`, { customerIds: [id] });

/** A customer created ahead of any order: a phone, an email, or both. */
export interface NewCustomerInput {
  name?: string;
  phone?: string;
  email?: string;
  locale?: string;
  preferredChannel?: Channel | null;
}

/** GET /v1/customers: filters, page size and the previous page's `nextCursor`. */
export type CustomerListQuery = Omit<CustomerPageQuery, 'merchantId' | 'test' | 'after'> & { cursor?: string };

/** Email opt-outs SendGrid reports: the customer unsubscribed, or marked the mail as spam. */
export type EmailOptOutEvent = 'unsubscribe' | 'group_unsubscribe' | 'spamreport';

/**
 * Customers as merchants address them: their preferred channel, their language, and consent per channel. The customer
 * withdraws SMS consent from the sender it texted STOP to (every merchant sending from that number), and email consent
 * from the merchant whose mail it unsubscribed from (SendGrid's unsubscribe and spam-report events). A merchant's own
 * withdrawal holds for that merchant alone. Each is undone only by whoever made it.
 *
 * `test`: the caller holds a test key, and sees and changes only the merchant's test customers (those of its test
 * orders), whose contacts are unique among themselves: a live customer's phone is free for a test customer, and the
 * other way round. A customer of the other world answers 404, as another merchant's does.
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

  async get(merchant: MerchantEntity, test: boolean, id: string): Promise<CustomerView> {
    return toCustomerView(await this.findOwned(merchant, test, id));
  }

  async list(merchant: MerchantEntity, test: boolean, { cursor, ...filters }: CustomerListQuery): Promise<CustomerPageView> {
    const rows = await this.customers.page(
      { ...filters, merchantId: merchant.id, test, limit: filters.limit + 1, after: cursor ? decodeCursor(cursor) : undefined },
      this.platformSender,
    );
    const { page, nextCursor } = pageOf(rows, filters.limit);
    return { data: page.map(toCustomerView), nextCursor };
  }

  /** A phone or email another of the merchant's customers has is refused (409), never merged into it. */
  async create(merchant: MerchantEntity, test: boolean, input: NewCustomerInput): Promise<CustomerView> {
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
      test,
    });
    if (taken) throw contactTaken(taken);
    return this.get(merchant, test, id);
  }

  /** The customer, or 404 `customer_not_found` (another merchant's customer, or an erased one, is not found either). */
  async findOwned(merchant: Pick<MerchantEntity, 'id'>, test: boolean, id: string): Promise<CustomerRecord> {
    const customer = await this.customers.findForMerchant({ merchantId: merchant.id, test }, id, this.platformSender);
    if (!customer) throw notFound('customer');
    return customer;
  }

  /** A customer an order or a campaign names by id; another merchant's, an erased one, or none, is 400 `unknown_customer`. */
  async findForOrder(merchant: Pick<MerchantEntity, 'id'>, test: boolean, id: string): Promise<CustomerRecord> {
    const customer = await this.customers.findForMerchant({ merchantId: merchant.id, test }, id, this.platformSender);
    if (!customer) throw unknownCustomer(id);
    return customer;
  }

  /** A customer an order gives by its contacts, if the merchant has it already: its preferences hold. */
  returning(
    merchant: Pick<MerchantEntity, 'id'>,
    test: boolean,
    contacts: { phone?: string; email?: string },
  ): Promise<Pick<CustomerRecord, 'preferredChannel' | 'locale'> | null> {
    return this.customers.findByContacts({ merchantId: merchant.id, test }, contacts.phone ?? null, contacts.email ?? null);
  }

  /** The channel of an order that names none: the preferred one if the customer has that contact, else the other. */
  defaultChannelOf(contacts: { phone?: string | null; email?: string | null }, preferredChannel: Channel | null): Channel {
    return channelsByPreference({ preferredChannel }).find((channel) => contacts[contactFieldOf(channel)]) ?? 'sms';
  }

  /** Whether a stored preference could change defaultChannelOf these contacts (it cannot when they reach one channel only). */
  preferenceCanDecide(contacts: { phone?: string | null; email?: string | null }): boolean {
    return new Set([null, ...CHANNELS].map((preferred) => this.defaultChannelOf(contacts, preferred))).size > 1;
  }

  /**
   * One transaction, all or nothing: contacts change first (409 `customer_contact_taken` when another of the
   * merchant's customers has one: customers are never merged), so a preferred channel or consent given in the same
   * request applies to the new contact.
   */
  async update(merchant: MerchantEntity, test: boolean, id: string, changes: CustomerChanges): Promise<CustomerView> {
    const tenant = { merchantId: merchant.id, test };
    const before = await this.findOwned(merchant, test, id);
    // Contacts are changed or added, never removed: the channels asked for are checked against them before anything is written.
    const contacts = { phone: changes.phone ?? before.phone, email: changes.email ?? before.email };
    if (changes.preferredChannel) this.contactOf(contacts, changes.preferredChannel);
    for (const channel of CHANNELS) if (changes.consent?.[channel] !== undefined) this.contactOf(contacts, channel);

    const lockContacts = changes.phone !== undefined || changes.email !== undefined;
    try {
      await this.customers.withLockedCustomer(tenant, id, { platformSender: this.platformSender, lockContacts }, async (customer, manager) => {
        if (!customer) throw notFound('customer');
        const contactChanges = (['phone', 'email'] as const)
          .map((field) => ({ field, to: changes[field] }))
          .filter((change): change is { field: 'phone' | 'email'; to: string } => change.to !== undefined && change.to !== customer[change.field]);
        for (const { field, to } of contactChanges) {
          if (await this.customers.contactTaken(manager, tenant, id, field === 'phone' ? { phone: to } : { email: to })) throw contactTaken(field);
        }
        await this.customers.update(manager, merchant.id, id, {
          name: changes.name,
          preferredChannel: changes.preferredChannel,
          locale: changes.locale,
          ...Object.fromEntries(contactChanges.map(({ field, to }) => [field, to])),
        });
        // Every channel on a changed contact moves with it (a new phone: SMS and WhatsApp).
        const moves = CHANNELS.flatMap((channel) => {
          const change = contactChanges.find(({ field }) => field === contactFieldOf(channel));
          return change ? [{ channel, from: customer[change.field], to: change.to }] : [];
        });
        for (const move of moves) await this.customers.contactMoved(manager, tenant, id, move.channel, move.from, move.to);
        if (!changes.consent) return;
        const changed = moves.length ? (await this.customers.findForMerchant(tenant, id, this.platformSender, manager))! : customer;
        for (const channel of CHANNELS) {
          const consent = changes.consent[channel];
          if (consent !== undefined) await this.setConsent(changed, channel, consent, manager);
        }
      });
    } catch (error) {
      // An order wrote the customer's new phone and email pair (the identity orders match on) meanwhile.
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw contactTaken(changes.email !== undefined ? 'email' : 'phone');
      throw error;
    }
    return this.get(merchant, test, id);
  }

  /** A SendGrid event saying the recipient of one of the merchant's mails wants no more of them. */
  async emailOptedOut(merchantId: string, email: string, event: EmailOptOutEvent): Promise<void> {
    const changed = await this.customers.optOutEmail(merchantId, email.toLowerCase(), event === 'spamreport' ? 'spamreport' : 'unsubscribe');
    this.logger.log({ msg: 'email opted out by the customer', merchantId, event, changed });
  }

  /**
   * The merchant's withdrawal, in the customer's world. Giving consent back while the customer's own opt-out stands is
   * refused (409) and changes nothing.
   */
  private async setConsent(customer: CustomerRecord, channel: Channel, consent: boolean, manager: EntityManager): Promise<void> {
    const contact = this.contactOf(customer, channel);
    if (!consent) return this.optOuts.withdrawByMerchant(customer, channel, contact, manager);
    if (OPTED_OUT_BY_CUSTOMER[channel].of(customer)) throw new DomainError('conflict', 'opted_out_by_customer', OPTED_OUT_BY_CUSTOMER[channel].message);
    await this.optOuts.restoreByMerchant(customer, channel, contact, manager);
  }

  private contactOf(customer: Pick<CustomerRecord, 'phone' | 'email'>, channel: Channel): string {
    const field = contactFieldOf(channel);
    const contact = customer[field];
    if (!contact) throw new DomainError('unprocessable', 'channel_recipient_missing', `the customer has no ${CONTACT_NAMES[field]}`);
    return contact;
  }
}
