import { Injectable } from '@nestjs/common';
import { RedisSignals } from '@herald/events';
import type { AuthenticatedKey } from '@herald/persistence';

/** The longest an API process believes a key it authenticated without reading it again, when no signal says otherwise. */
export const API_KEY_CACHE_TTL_MS = 5_000;
/** Keys remembered at once; past it, the oldest go first (a Map iterates in insertion order). */
const MAX_ENTRIES = 10_000;

interface Entry {
  key: AuthenticatedKey;
  merchantId: string;
  expiresAt: number;
}

/**
 * The keys this API process authenticated in the last few seconds (API_KEY_CACHE_TTL_MS), with their merchants, by key
 * hash: most requests read no key from Postgres. A revoked key, a disabled or enabled merchant and changed merchant
 * settings are forgotten here at once, and on every other API process as soon as the `credentials` signal reaches it
 * (Redis pub/sub, sent before the change is answered). The expiry is the bound for what no signal can announce (a row
 * changed straight in Postgres, a signal lost): while this process's subscription is down, it remembers nothing, and
 * when it comes back everything is forgotten. Only keys that authenticated are remembered, never a refusal.
 */
@Injectable()
export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();
  /** Moves on every forgetting, so a read that began before it does not store what it read. */
  private generation = 0;
  private subscribed = false;

  constructor(private readonly signals: RedisSignals) {}

  /** The key with this hash, remembered or read by `load` (and then remembered). */
  async get(keyHash: string, load: (keyHash: string) => Promise<AuthenticatedKey | null>): Promise<AuthenticatedKey | null> {
    this.subscribe();
    const now = Date.now();
    const entry = this.entries.get(keyHash);
    if (entry && entry.expiresAt > now && this.signals.listening('credentials')) return entry.key;
    if (entry) this.entries.delete(keyHash);
    const generation = this.generation;
    const key = await load(keyHash);
    if (key && generation === this.generation && this.signals.listening('credentials')) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(keyHash, { key, merchantId: key.merchantId, expiresAt: now + API_KEY_CACHE_TTL_MS });
    }
    return key;
  }

  /**
   * The merchant's keys or the merchant itself changed (committed): forgotten here now, and on every other API process
   * once the signal, sent before this resolves, reaches it.
   */
  async changed(merchantId: string): Promise<void> {
    this.forget([merchantId]);
    await this.signals.publishNow('credentials', [merchantId]);
  }

  /** Subscribes on first use: only processes that authenticate keys (the API) listen. */
  private subscribe(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    this.signals.subscribe('credentials', (merchantIds) => this.forget(merchantIds));
    this.signals.onReconnect(() => this.forgetAll());
  }

  private forget(merchantIds: string[]): void {
    this.generation += 1;
    const merchants = new Set(merchantIds);
    for (const [hash, entry] of this.entries) if (merchants.has(entry.merchantId)) this.entries.delete(hash);
  }

  private forgetAll(): void {
    this.generation += 1;
    this.entries.clear();
  }
}
