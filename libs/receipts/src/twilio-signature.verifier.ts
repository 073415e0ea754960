import { Injectable, Logger } from '@nestjs/common';
import twilio from 'twilio';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { invalidSignature } from './signature.error';

export interface TwilioSignedRequest {
  /** The X-Twilio-Signature header. */
  signature: string | undefined;
  /** Path and query string as received; Twilio signs the full URL it called, query string included. */
  pathWithQuery: string;
  /** The POST parameters (form-encoded body). */
  params: Record<string, unknown>;
}

/** Checks Twilio's webhook signature with the account's auth token, against the URL Twilio was given (PUBLIC_URL). */
@Injectable()
export class TwilioSignatureVerifier {
  private readonly logger = new Logger(TwilioSignatureVerifier.name);
  private readonly authToken: string | null;
  private readonly publicUrl: string;

  constructor(@InjectConfig() config: HeraldConfig) {
    this.authToken = config.twilio?.authToken ?? null;
    this.publicUrl = config.publicUrl;
  }

  /** Throws `invalid_signature` unless Twilio signed this request. */
  verify(request: TwilioSignedRequest): void {
    if (!this.authToken) throw invalidSignature('Twilio is not configured, so its webhook signatures cannot be verified');
    if (!request.signature) throw invalidSignature('X-Twilio-Signature is missing');
    const url = `${this.publicUrl}${request.pathWithQuery}`;
    if (!twilio.validateRequest(this.authToken, request.signature, url, request.params)) {
      // The usual cause is a PUBLIC_URL that differs from the URL configured at Twilio: say which one was checked.
      this.logger.warn({ msg: 'rejected a Twilio webhook with an invalid signature', checkedUrl: url });
      throw invalidSignature('X-Twilio-Signature does not match this request');
    }
  }
}
