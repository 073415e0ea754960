import type { Request, Response } from 'express';

/** The console's session cookie: an opaque random id, readable by no script (HttpOnly), sent to no other site (Strict). */
export const CONSOLE_SESSION_COOKIE = 'herald_console';

/** The session id the request's cookie carries, if any. */
export function consoleSessionIdOf(request: Request): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === CONSOLE_SESSION_COOKIE) return pair.slice(separator + 1).trim();
  }
  return undefined;
}

/** `Secure` whenever the browser reached Herald over HTTPS (directly, or through a proxy TRUST_PROXY believes). */
const attributes = (request: Request) => ({ httpOnly: true, sameSite: 'strict' as const, secure: request.secure, path: '/' });

export function setConsoleSessionCookie(request: Request, response: Response, sessionId: string, expiresAt: Date): void {
  response.cookie(CONSOLE_SESSION_COOKIE, sessionId, { ...attributes(request), expires: expiresAt });
}

export function clearConsoleSessionCookie(request: Request, response: Response): void {
  response.clearCookie(CONSOLE_SESSION_COOKIE, attributes(request));
}
