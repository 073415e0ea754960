import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey, HeraldConfig, InjectConfig } from '@herald/config';

const PREFIX = 'whsec_';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Signing secrets of merchants' webhooks, in the Standard Webhooks format (`whsec_` + base64 of 24 random bytes).
 * Signing needs the secret itself (HMAC), so it cannot be stored as a hash like an API key: it is stored encrypted
 * (AES-256-GCM, a key derived from SECRET_KEY, the merchant id as associated data), so a copy of the database alone
 * does not let anyone sign webhooks in a merchant's name.
 */
@Injectable()
export class WebhookSecrets {
  private readonly key: Buffer;

  constructor(@InjectConfig() config: HeraldConfig) {
    this.key = deriveKey(config.secretKey, 'webhook-secret');
  }

  generate(): string {
    return PREFIX + randomBytes(24).toString('base64');
  }

  seal(merchantId: string, secret: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(merchantId));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
  }

  open(merchantId: string, stored: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, stored.subarray(0, IV_BYTES)).setAAD(Buffer.from(merchantId));
    decipher.setAuthTag(stored.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(stored.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
