import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog } from '@herald/audit';
import { DomainError, notFound } from '@herald/errors';
import { RedisSignals } from '@herald/events';
import { ApiKeyEntity, ApiKeyRepository, ApiKeyScope, AuthenticatedKey } from '@herald/persistence';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key';
import { ApiKeyCache } from './api-key-cache';

/** A key as its merchant sees it in a list: never the key itself. */
export interface ApiKeyView {
  id: string;
  name: string;
  scope: ApiKeyScope;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The name the key made with a merchant gets. */
export const INITIAL_KEY_NAME = 'initial';
/** Keys a merchant may hold at once: enough for every integration and dashboard, few enough to list on one page. */
export const MAX_API_KEYS = 50;
const LAST_USED_INTERVAL_MS = 60_000;
const LAST_USED_MEMORY = 10_000;

export const toApiKeyView = (key: ApiKeyEntity): ApiKeyView => ({
  id: key.id,
  name: key.name,
  scope: key.scope,
  prefix: key.keyPrefix,
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
});

/** A new key's stored form (hash and prefix) and the key itself, which is shown once. */
export function mintApiKey(name: string, scope: ApiKeyScope): { apiKey: string; row: { id: string; name: string; scope: ApiKeyScope; keyHash: string; keyPrefix: string } } {
  const apiKey = generateApiKey();
  return { apiKey, row: { id: randomUUID(), name, scope, keyHash: hashApiKey(apiKey), keyPrefix: apiKeyPrefix(apiKey) } };
}

/**
 * A merchant's API keys: made, listed, revoked, and checked on every request. A key that authenticated is remembered
 * for a few seconds (ApiKeyCache); its revocation is signalled to every API process before it is answered, so the key
 * fails at once everywhere, and the event streams it opened end (see LiveStreams).
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  /** When this process last recorded each key's use, so most requests write nothing. */
  private readonly lastMarked = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditLog,
    private readonly signals: RedisSignals,
    private readonly cache: ApiKeyCache,
  ) {}

  async authenticate(apiKey: string): Promise<AuthenticatedKey | null> {
    const key = await this.cache.get(hashApiKey(apiKey), (hash) => this.keys.findByHash(hash));
    if (key) this.markUsed(key.id);
    return key;
  }

  /** The key that issued a stream token, with its merchant; null once the key is revoked. */
  issuerOf(holder: { merchantId: string; keyId: string }): Promise<AuthenticatedKey | null> {
    return this.keys.findForMerchant(holder.merchantId, holder.keyId);
  }

  /** Records the use in the background, at most once a minute per key (the repository holds that across processes). */
  private markUsed(id: string): void {
    const now = Date.now();
    if (now - (this.lastMarked.get(id) ?? 0) < LAST_USED_INTERVAL_MS) return;
    if (this.lastMarked.size >= LAST_USED_MEMORY) this.lastMarked.clear();
    this.lastMarked.set(id, now);
    this.keys.markUsed(id).catch((error: Error) => {
      this.lastMarked.delete(id);
      this.logger.warn(`could not record an API key's last use: ${error.message}`);
    });
  }

  /** 409 `too_many_api_keys` past MAX_API_KEYS. The key in the answer is the only time it is shown. */
  async create(merchantId: string, input: { name: string; scope: ApiKeyScope }): Promise<ApiKeyView & { apiKey: string }> {
    const { apiKey, row } = mintApiKey(input.name, input.scope);
    const key = await this.keys.createWithin({ ...row, merchantId }, MAX_API_KEYS);
    if (!key) throw new DomainError('conflict', 'too_many_api_keys', `a merchant holds at most ${MAX_API_KEYS} API keys: revoke one first`);
    await this.audit.record(`merchant:${merchantId}`, 'api_key.created', key.id, { name: key.name, scope: key.scope, prefix: key.keyPrefix });
    return { ...toApiKeyView(key), apiKey };
  }

  async list(merchantId: string): Promise<ApiKeyView[]> {
    return (await this.keys.list(merchantId)).map(toApiKeyView);
  }

  /**
   * Revokes the key: the next request with it, on any API process, answers 401, its stream tokens too, and the event
   * streams it opened end within moments. A merchant cannot revoke the key it
   * calls with (409 `api_key_in_use`), so it never locks itself out: rotate by making a new key, then revoking the old
   * one with the new. 404 `api_key_not_found` for another merchant's key or an unknown id.
   */
  async revoke(merchantId: string, id: string, callingKeyId: string): Promise<void> {
    if (id === callingKeyId) throw new DomainError('conflict', 'api_key_in_use', 'this is the key you are calling with: revoke it with another full key');
    if (!(await this.keys.delete(merchantId, id))) throw notFound('api_key');
    await this.cache.changed(merchantId);
    this.signals.publish('access', [merchantId]);
    this.lastMarked.delete(id);
    await this.audit.record(`merchant:${merchantId}`, 'api_key.revoked', id, { revokedWith: callingKeyId });
  }
}
