import { api, expectData, type Schemas } from '../api/client';

export interface AudienceCount {
  customers: number;
  sms: number;
  email: number;
  /** Customers reachable on neither channel (every channel opted out, or no contact): the campaign skips them. */
  none: number;
}

/** Where a campaign send to `customer` goes, by the rule Herald's fan-out follows: the preferred channel, else the other. */
export function channelFor(customer: Pick<Schemas['Customer'], 'phone' | 'email' | 'preferredChannel' | 'consent'>): Schemas['Channel'] | null {
  const order: Schemas['Channel'][] = customer.preferredChannel === 'email' ? ['email', 'sms'] : ['sms', 'email'];
  return order.find((channel) => (channel === 'sms' ? customer.phone : customer.email) && customer.consent[channel]) ?? null;
}

/** Every customer of the merchant (the `all` audience), counted by the channel a campaign would reach them on. */
export async function countAudience(): Promise<AudienceCount> {
  const count: AudienceCount = { customers: 0, sms: 0, email: 0, none: 0 };
  let cursor: string | undefined;
  do {
    const page = await expectData(api.GET('/v1/customers', { params: { query: { limit: 200, cursor } } }));
    for (const customer of page.data) {
      count.customers += 1;
      count[channelFor(customer) ?? 'none'] += 1;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return count;
}
