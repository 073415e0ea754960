import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** A POST with no body at all (`POST /v1/orders/:id/cancel`) carries no media type and needs none. */
const hasBody = (request: Request) =>
  request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] ?? '0') !== '0';

/**
 * The API speaks JSON only: a form or text body is refused with 415 instead of being parsed, so an HTML form on
 * another site cannot pose as a client. Routes under `except` (provider webhooks) keep their providers' formats.
 */
export function acceptOnlyJsonBodies(except: string) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (request.path.startsWith(except) || !hasBody(request) || request.is('application/json')) return next();
    next(new UnsupportedMediaTypeException('send the body as application/json'));
  };
}
