import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER, SendGridSignatureVerifier, TwilioSignatureVerifier } from '@herald/receipts';

/** Provider webhooks authenticate by signature instead of an API key: a forged request never reaches the handler. */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(private readonly verifier: TwilioSignatureVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    this.verifier.verify({ signature: request.header('x-twilio-signature'), pathWithQuery: request.originalUrl, params: request.body ?? {} });
    return true;
  }
}

@Injectable()
export class SendGridSignatureGuard implements CanActivate {
  constructor(private readonly verifier: SendGridSignatureVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request & { rawBody?: Buffer }>();
    this.verifier.verify({
      signature: request.header(SENDGRID_SIGNATURE_HEADER),
      timestamp: request.header(SENDGRID_TIMESTAMP_HEADER),
      payload: request.rawBody,
    });
    return true;
  }
}
