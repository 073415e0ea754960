import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER, SendGridSignatureVerifier, TwilioSignatureVerifier, VonageSignatureVerifier } from '@herald/receipts';

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

/** Vonage signs the parameters themselves (`sig`), whether it sends them as JSON, as a form or in the query string. */
@Injectable()
export class VonageSignatureGuard implements CanActivate {
  constructor(private readonly verifier: VonageSignatureVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
    this.verifier.verify({ ...(request.query as Record<string, unknown>), ...body });
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
