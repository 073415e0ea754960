import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MerchantEntity, MerchantRepository } from '@herald/persistence';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key';

export interface NewMerchantInput {
  name: string;
  timezone?: string;
  defaultReminderBefore?: string;
}

/** Authenticated merchants are remembered this long, so a busy API does not read the key table on every request. */
const AUTH_CACHE_MS = 30_000;
const AUTH_CACHE_SIZE = 10_000;

@Injectable()
export class MerchantsService {
  private readonly authCache = new Map<string, { merchant: MerchantEntity; until: number }>();

  constructor(private readonly merchants: MerchantRepository) {}

  /** Creates a merchant and returns its API key: the only time the key is ever shown. */
  async create(input: NewMerchantInput): Promise<{ merchant: MerchantEntity; apiKey: string }> {
    const apiKey = generateApiKey();
    const merchant = await this.merchants.create({
      id: randomUUID(),
      name: input.name,
      timezone: input.timezone ?? 'UTC',
      defaultReminderBefore: input.defaultReminderBefore ?? 'P1D',
      apiKeyHash: hashApiKey(apiKey),
      apiKeyPrefix: apiKeyPrefix(apiKey),
    });
    return { merchant, apiKey };
  }

  async findById(id: string): Promise<MerchantEntity | null> {
    return this.merchants.findById(id);
  }

  async authenticate(apiKey: string): Promise<MerchantEntity | null> {
    const hash = hashApiKey(apiKey);
    const cached = this.authCache.get(hash);
    if (cached && cached.until > Date.now()) return cached.merchant;
    const merchant = await this.merchants.findByApiKeyHash(hash);
    if (merchant) {
      if (this.authCache.size >= AUTH_CACHE_SIZE) this.authCache.clear();
      this.authCache.set(hash, { merchant, until: Date.now() + AUTH_CACHE_MS });
    }
    return merchant;
  }
}
