import { Injectable, Logger } from '@nestjs/common';
import { AlgorithmTypes } from '@vonage/auth';
import { SMS } from '@vonage/sms';
import { HeraldConfig, InjectConfig, VonageSignatureMethod } from '@herald/config';
import { invalidSignature } from './signature.error';

/** Vonage signs `timestamp` (Unix seconds) into each webhook; an older one is refused as a replay. */
export const VONAGE_SIGNATURE_MAX_AGE_S = 5 * 60;

const ALGORITHMS: Record<VonageSignatureMethod, AlgorithmTypes> = {
  md5hash: AlgorithmTypes.md5hash,
  md5hmac: AlgorithmTypes.md5hmac,
  sha1hmac: AlgorithmTypes.sha1hmac,
  sha256hmac: AlgorithmTypes.sha256hmac,
  sha512hmac: AlgorithmTypes.sha512hmac,
};

/**
 * Checks Vonage's signed webhooks (https://developer.vonage.com/en/getting-started/concepts/signing-messages): `sig`
 * over the other parameters with the account's signature secret, by the method the account is set to, checked with the
 * SDK; and a `timestamp` within five minutes. Without VONAGE_SIGNATURE_SECRET no Vonage webhook is accepted.
 */
@Injectable()
export class VonageSignatureVerifier {
  private readonly logger = new Logger(VonageSignatureVerifier.name);
  private readonly settings: { sms: SMS; secret: string; algorithm: AlgorithmTypes; apiKey: string } | null;

  constructor(@InjectConfig() config: HeraldConfig) {
    const vonage = config.vonage;
    this.settings =
      vonage?.signatureSecret
        ? {
            sms: new SMS({ apiKey: vonage.apiKey, apiSecret: vonage.apiSecret }),
            secret: vonage.signatureSecret,
            algorithm: ALGORITHMS[vonage.signatureMethod],
            apiKey: vonage.apiKey,
          }
        : null;
  }

  /** Throws `invalid_signature` unless Vonage signed these parameters (query and body together), recently, for this account. */
  verify(params: Record<string, unknown>, now = Date.now()): void {
    if (!this.settings) throw invalidSignature('Vonage signed webhooks are not configured (VONAGE_SIGNATURE_SECRET), so this one cannot be verified');
    const strings = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
    const { sig } = strings;
    if (!sig) throw invalidSignature('sig is missing');
    if (!this.settings.sms.verifySignature(sig, strings, this.settings.secret, this.settings.algorithm)) {
      this.logger.warn({ msg: 'rejected a Vonage webhook with an invalid signature' });
      throw invalidSignature('sig does not match this request');
    }
    const timestamp = Number(strings.timestamp);
    if (!Number.isFinite(timestamp) || Math.abs(now / 1000 - timestamp) > VONAGE_SIGNATURE_MAX_AGE_S) {
      throw invalidSignature('the signed timestamp is missing or more than five minutes away');
    }
    if (strings['api-key'] && strings['api-key'] !== this.settings.apiKey) throw invalidSignature('signed for another Vonage account');
  }
}
