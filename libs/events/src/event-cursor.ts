import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey, HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError } from '@herald/errors';
import { EventPosition } from './event-position';

const TAG_BYTES = 8;
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{32}$/;
const KEY_CACHE_SIZE = 10_000;

interface MerchantKeys {
  cipher: Buffer;
  mac: Buffer;
}

export const invalidCursor = () => new DomainError('invalid', 'invalid_cursor', 'cursor is not one this API gave you');

/**
 * Event ids and feed cursors: a position in the merchant's event log, opaque and bound to the merchant. The 16 bytes
 * (xid, id) are encrypted as one AES block under a key of the merchant's own (derived from SECRET_KEY), followed by a
 * MAC under another: the same event always gets the same id, the id says nothing about volumes, and a forged id or
 * another merchant's fails the MAC. 32 characters of base64url.
 */
@Injectable()
export class EventCursors {
  private readonly root: Buffer;
  private readonly keys = new Map<string, MerchantKeys>();

  constructor(@InjectConfig() config: HeraldConfig) {
    this.root = deriveKey(config.secretKey, 'event-cursor');
  }

  encode(merchantId: string, position: EventPosition): string {
    const keys = this.keysOf(merchantId);
    const block = Buffer.alloc(16);
    block.writeBigUInt64BE(position.xid, 0);
    block.writeBigUInt64BE(position.id, 8);
    const cipher = createCipheriv('aes-128-ecb', keys.cipher, null).setAutoPadding(false);
    const sealed = Buffer.concat([cipher.update(block), cipher.final()]);
    return Buffer.concat([sealed, this.tag(keys, sealed)]).toString('base64url');
  }

  /** The position in `text`; a 400 `invalid_cursor` when it is not a cursor this API gave this merchant. */
  decode(merchantId: string, text: string): EventPosition {
    if (!CURSOR_PATTERN.test(text)) throw invalidCursor();
    const bytes = Buffer.from(text, 'base64url');
    const keys = this.keysOf(merchantId);
    const sealed = bytes.subarray(0, 16);
    if (!timingSafeEqual(bytes.subarray(16), this.tag(keys, sealed))) throw invalidCursor();
    const decipher = createDecipheriv('aes-128-ecb', keys.cipher, null).setAutoPadding(false);
    const block = Buffer.concat([decipher.update(sealed), decipher.final()]);
    return { xid: block.readBigUInt64BE(0), id: block.readBigUInt64BE(8) };
  }

  private tag(keys: MerchantKeys, sealed: Buffer): Buffer {
    return createHmac('sha256', keys.mac).update(sealed).digest().subarray(0, TAG_BYTES);
  }

  private keysOf(merchantId: string): MerchantKeys {
    let keys = this.keys.get(merchantId);
    if (!keys) {
      const material = createHmac('sha256', this.root).update(merchantId).digest();
      keys = { cipher: material.subarray(0, 16), mac: material.subarray(16) };
      if (this.keys.size >= KEY_CACHE_SIZE) this.keys.clear();
      this.keys.set(merchantId, keys);
    }
    return keys;
  }
}
