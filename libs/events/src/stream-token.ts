import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey, HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError } from '@herald/errors';

const PREFIX = 'st_';
const TAG_BYTES = 16;
/** The merchant's id, the issuing key's id, the expiry in seconds. */
const PAYLOAD_BYTES = 16 + 16 + 4;
const TOKEN_PATTERN = /^st_[A-Za-z0-9_-]{70}$/;

export interface StreamToken {
  token: string;
  expiresAt: string;
}

/** Whom a valid token opens the stream for, and with which of the merchant's keys. */
export interface StreamTokenHolder {
  merchantId: string;
  keyId: string;
}

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const uuidOf = (bytes: Buffer) => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * Short-lived tokens that open one merchant's event stream, for a browser's EventSource (which cannot send an
 * Authorization header), so the API key never sits in a URL. The merchant id, the id of the key that issued it and the
 * expiry, MACed with a key derived from SECRET_KEY, so any API instance reads them; the guard then checks that the
 * issuing key still stands, so revoking it ends its tokens too. They open streams only: no other route takes them.
 */
@Injectable()
export class StreamTokens {
  private readonly key: Buffer;
  private readonly ttlMs: number;

  constructor(@InjectConfig() config: HeraldConfig) {
    this.key = deriveKey(config.secretKey, 'stream-token');
    this.ttlMs = config.events.streamTokenTtlMs;
  }

  issue(holder: StreamTokenHolder, now = Date.now()): StreamToken {
    const expiresAt = Math.ceil((now + this.ttlMs) / 1000);
    const payload = Buffer.alloc(PAYLOAD_BYTES);
    uuidBytes(holder.merchantId).copy(payload, 0);
    uuidBytes(holder.keyId).copy(payload, 16);
    payload.writeUInt32BE(expiresAt, 32);
    return { token: PREFIX + Buffer.concat([payload, this.tag(payload)]).toString('base64url'), expiresAt: new Date(expiresAt * 1000).toISOString() };
  }

  /** Whom the token was issued to; a 401 when it is not a token of this deployment, or has expired. */
  verify(token: string, now = Date.now()): StreamTokenHolder {
    const invalid = () => new DomainError('unauthorized', 'invalid_stream_token', 'the stream token is not valid');
    if (!TOKEN_PATTERN.test(token)) throw invalid();
    const bytes = Buffer.from(token.slice(PREFIX.length), 'base64url');
    const payload = bytes.subarray(0, PAYLOAD_BYTES);
    if (!timingSafeEqual(bytes.subarray(PAYLOAD_BYTES), this.tag(payload))) throw invalid();
    if (payload.readUInt32BE(32) * 1000 <= now) {
      throw new DomainError('unauthorized', 'stream_token_expired', 'the stream token has expired: ask POST /v1/events/stream-tokens for a new one');
    }
    return { merchantId: uuidOf(payload.subarray(0, 16)), keyId: uuidOf(payload.subarray(16, 32)) };
  }

  private tag(payload: Buffer): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, TAG_BYTES);
  }
}
