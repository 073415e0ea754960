import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const API_KEY_SCOPES = ['full', 'read', 'test'] as const;
/**
 * `full`: every /v1 route; `read`: reading only (GET routes, the event stream and its stream tokens); `test`: what a
 * full key does, in the merchant's test world (nothing reaches a provider), changing none of its live settings.
 */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** One of a merchant's API keys. The key itself is shown once, when it is made, and never stored. */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'merchant_id' })
  merchantId: string;

  @Column('text')
  name: string;

  @Column('text')
  scope: ApiKeyScope;

  /** SHA-256 of the key. */
  @Column('text', { name: 'key_hash', unique: true })
  keyHash: string;

  /** Enough of the key to recognise it in a list, never enough to use it. */
  @Column('text', { name: 'key_prefix' })
  keyPrefix: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Written at most once a minute per key (see ApiKeyRepository.markUsed). */
  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;
}
