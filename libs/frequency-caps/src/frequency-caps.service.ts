import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { CampaignRepository, MerchantEntity } from '@herald/persistence';
import { capWindowsAt, weekStartAt } from '@herald/scheduling';
import { CountedMessage, FrequencyCapCounters } from './frequency-cap-counters.repository';

/** A count outlives its day or week by this much, so a fan-out running across midnight still sees the day it counts in. */
const GRACE_MS = 24 * 3600_000;
/** How long an admission waits for another process's rebuild, at most, before failing (its job retries). */
const REBUILD_WAIT_MS = 30_000;

export type CapsOf = Pick<MerchantEntity, 'id' | 'timezone' | 'bulkCapPerDay' | 'bulkCapPerWeek'>;

export function hasFrequencyCaps(caps: Pick<MerchantEntity, 'bulkCapPerDay' | 'bulkCapPerWeek'> | { perDay: number | null; perWeek: number | null }): boolean {
  return 'perDay' in caps ? caps.perDay !== null || caps.perWeek !== null : caps.bulkCapPerDay !== null || caps.bulkCapPerWeek !== null;
}

/**
 * How many `bulk` campaign messages a customer gets per local day and ISO week. Counting is in Redis, so every
 * worker admits against one count, atomically; Postgres stays the source of truth: counters that are missing (Redis
 * lost or flushed, the merchant's time zone changed, its caps switched on) are rebuilt from the sends Postgres holds
 * before anything more is admitted. Only counts: while a merchant has no caps, nothing is counted. A message counts on the day it is due (its `scheduledFor`), in the merchant's zone.
 */
@Injectable()
export class FrequencyCaps {
  constructor(
    private readonly counters: FrequencyCapCounters,
    private readonly campaigns: CampaignRepository,
  ) {}

  /**
   * The customers who may get campaign `campaignId`, due `at`, without going over the merchant's caps; each admitted
   * one is counted. Asking again for the same campaign and customer admits it again without counting it twice.
   */
  async admit(merchant: CapsOf, campaignId: string, at: Date, customerIds: string[]): Promise<Set<string>> {
    if (!hasFrequencyCaps(merchant) || !customerIds.length) return new Set(customerIds);
    const version = versionOf(merchant);
    const windows = capWindowsAt(at, merchant.timezone);
    const window = { day: windows.day, week: windows.week, dayExpiresAt: afterGrace(windows.dayEndsAt), weekExpiresAt: afterGrace(windows.weekEndsAt) };
    const caps = { perDay: merchant.bulkCapPerDay ?? 0, perWeek: merchant.bulkCapPerWeek ?? 0 };
    const giveUpAt = Date.now() + REBUILD_WAIT_MS;
    while (Date.now() < giveUpAt) {
      const generation = await this.counters.generation(merchant.id);
      if (generation?.endsWith(`:${version}`)) {
        const flags = await this.counters.admit(merchant.id, generation, campaignId, window, customerIds, caps);
        if (flags) return new Set(customerIds.filter((_, i) => flags[i]));
      } else if (!(await this.counters.rebuild(merchant.id, version, () => this.countedInPostgres(merchant)))) {
        await sleep(100);
      }
    }
    throw new Error(`frequency caps of merchant ${merchant.id}: counters still being rebuilt after ${REBUILD_WAIT_MS} ms`);
  }

  /** Campaign `campaignId`, due `at`, was cancelled before it reached these customers: its counts go back. */
  async release(merchant: CapsOf, campaignId: string, at: Date, customerIds: string[]): Promise<void> {
    const { day, week } = capWindowsAt(at, merchant.timezone);
    await this.counters.takeBack(merchant.id, campaignId, { day, week }, customerIds);
  }

  /**
   * The merchant's caps were switched on: what was sent while they were off was not counted, so the counts are rebuilt
   * from Postgres at the next admission.
   */
  async capsSwitchedOn(merchantId: string): Promise<void> {
    await this.counters.invalidate(merchantId);
  }

  private async countedInPostgres(merchant: CapsOf): Promise<CountedMessage[]> {
    const sends = await this.campaigns.cappedSendsSince(merchant.id, weekStartAt(new Date(), merchant.timezone));
    return sends.map(({ customerId, campaignId, scheduledFor }) => {
      const windows = capWindowsAt(scheduledFor, merchant.timezone);
      return {
        customerId,
        message: campaignId,
        day: windows.day,
        week: windows.week,
        dayExpiresAt: afterGrace(windows.dayEndsAt),
        weekExpiresAt: afterGrace(windows.weekEndsAt),
      };
    });
  }
}

/**
 * Counts are kept per local day and week: a change of time zone rebuilds them in the new one. A change of the caps'
 * values does not (the counts stay true whatever the caps).
 */
const versionOf = (merchant: CapsOf) => merchant.timezone;

const afterGrace = (end: Date) => new Date(end.getTime() + GRACE_MS);
