import { api, expectData } from '../api/client';

export interface AudienceCount {
  customers: number;
  sms: number;
  email: number;
  /** Customers reachable on neither channel (every channel opted out, or no contact): the campaign skips them. */
  none: number;
}

/** Every customer of the merchant (the `all` audience), counted by Herald by the channel a campaign would reach them on. */
export async function countAudience(): Promise<AudienceCount> {
  const { customers, sms, email, skipped } = await expectData(api.GET('/v1/campaigns/audience'));
  return { customers, sms, email, none: Object.values(skipped).reduce((sum, count) => sum + count, 0) };
}
