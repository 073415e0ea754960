import { Channel, contactFieldOf, CustomerRecord } from '@herald/persistence';

/** Why a customer gets no message: every channel it has is opted out, or it has none. Stable strings. */
export const UNREACHABLE_REASONS = { optedOut: 'opted_out', noContact: 'no_contact' } as const;
export type UnreachableReason = (typeof UNREACHABLE_REASONS)[keyof typeof UNREACHABLE_REASONS];

export type Reach = { channel: Channel; recipient: string } | { channel: null; reason: UnreachableReason };

type Reachable = Pick<CustomerRecord, 'phone' | 'email' | 'preferredChannel' | 'smsOptedOut' | 'emailOptedOut' | 'whatsappOptedOut'>;

const OPTED_OUT = { sms: 'smsOptedOut', email: 'emailOptedOut', whatsapp: 'whatsappOptedOut' } as const satisfies Record<Channel, keyof Reachable>;

/** The customer's contact on a channel, if it has one and has not withdrawn consent to it. */
export function consentedContact(customer: Reachable, channel: Channel): string | null {
  const contact = customer[contactFieldOf(channel)];
  return contact && !customer[OPTED_OUT[channel]] ? contact : null;
}

/**
 * The channels in the order to try them: the preferred one first, then SMS, then email; with no preference SMS, as
 * orders do. WhatsApp is tried only by a customer who prefers it.
 */
export function channelsByPreference(customer: Pick<Reachable, 'preferredChannel'>): Channel[] {
  if (customer.preferredChannel === 'whatsapp') return ['whatsapp', 'sms', 'email'];
  return customer.preferredChannel === 'email' ? ['email', 'sms'] : ['sms', 'email'];
}

/** Where a message to the customer goes: its preferred channel if it can, else the other one if it can. */
export function reachableChannel(customer: Reachable): Reach {
  for (const channel of channelsByPreference(customer)) {
    const recipient = consentedContact(customer, channel);
    if (recipient) return { channel, recipient };
  }
  return { channel: null, reason: customer.phone || customer.email ? UNREACHABLE_REASONS.optedOut : UNREACHABLE_REASONS.noContact };
}

/** Where a message that failed for good on a channel goes instead: WhatsApp and email to SMS, SMS to email. */
export const otherChannel = (channel: Channel): Channel => (channel === 'sms' ? 'email' : 'sms');
