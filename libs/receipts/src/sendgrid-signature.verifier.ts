import { Injectable } from '@nestjs/common';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { invalidSignature } from './signature.error';

type EcdsaPublicKey = ReturnType<EventWebhook['convertPublicKeyToECDSA']>;

export interface SendGridSignedRequest {
  /** The X-Twilio-Email-Event-Webhook-Signature header. */
  signature: string | undefined;
  /** The X-Twilio-Email-Event-Webhook-Timestamp header. */
  timestamp: string | undefined;
  /** The body exactly as received: the signature covers its bytes, not its parsed JSON. */
  payload: Buffer | undefined;
}

export const SENDGRID_SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const SENDGRID_TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

/** Checks SendGrid's signed event webhook (ECDSA P-256 over timestamp + raw body) with the verification key from SendGrid. */
@Injectable()
export class SendGridSignatureVerifier {
  private readonly webhook = new EventWebhook();
  private readonly publicKey: EcdsaPublicKey | null;

  constructor(@InjectConfig() config: HeraldConfig) {
    // Validated at boot by the config: a P-256 key in SendGrid's base64 form.
    this.publicKey = config.sendgridWebhookPublicKey ? this.webhook.convertPublicKeyToECDSA(config.sendgridWebhookPublicKey) : null;
  }

  /** Throws `invalid_signature` unless SendGrid signed this very body. */
  verify(request: SendGridSignedRequest): void {
    if (!this.publicKey) throw invalidSignature('SENDGRID_WEBHOOK_PUBLIC_KEY is not set, so SendGrid events cannot be verified');
    if (!request.signature || !request.timestamp) throw invalidSignature(`${SENDGRID_SIGNATURE_HEADER} and ${SENDGRID_TIMESTAMP_HEADER} are required`);
    if (!request.payload) throw invalidSignature('the signed event webhook posts a JSON body');
    let valid: boolean;
    try {
      valid = this.webhook.verifySignature(this.publicKey, request.payload, request.signature, request.timestamp);
    } catch {
      valid = false; // a signature that is not even DER-encoded base64
    }
    if (!valid) throw invalidSignature(`${SENDGRID_SIGNATURE_HEADER} does not match this body`);
  }
}
