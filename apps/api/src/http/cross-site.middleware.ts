import type { NextFunction, Request, Response } from 'express';
import { isReadOnlyMethod } from '@herald/admin-access';
import { DomainError } from '@herald/errors';

function sameOrigin(origin: string, request: Request, publicUrl: string): boolean {
  try {
    const from = new URL(origin);
    return from.origin === new URL(publicUrl).origin || from.host === request.headers.host;
  } catch {
    return false; // `Origin: null` (sandboxed frames, file: pages) or garbage
  }
}

/**
 * Browsers resend Basic credentials and cookies by themselves, so a page on any site could submit a form to /admin or
 * to a console route. Browsers also say where a request comes from (`Sec-Fetch-Site`, else `Origin`), and a page cannot
 * forge either; clients that send neither (curl, scripts) are not browsers and carry no one else's credentials.
 */
export function isCrossSite(request: Request, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  return origin !== undefined && !sameOrigin(origin, request, publicUrl);
}

/** Refuses changes (anything but GET/HEAD/OPTIONS) that a browser sent on behalf of another site. */
export function refuseCrossSiteChanges(publicUrl: string) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (isReadOnlyMethod(request.method) || !isCrossSite(request, publicUrl)) return next();
    next(new DomainError('forbidden', 'cross_site_request', 'requests from another site cannot change anything under /admin'));
  };
}
