import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers, with a Content-Security-Policy that lets pages (Bull Board, the OpenAPI UI) load nothing from
 * other hosts: fonts and styles come from Herald itself. Insecure requests are not upgraded, because Herald is often
 * reached over plain HTTP on a private network or behind a proxy that terminates TLS.
 */
const HELMET_OPTIONS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: {
    directives: {
      'font-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'upgrade-insecure-requests': null,
    },
  },
};

interface HeaderChanges {
  set: [name: string, value: string][];
  removed: string[];
}

/** What helmet does to an answer, read once: none of its headers depends on the request. */
function helmetHeaderChanges(): HeaderChanges {
  const changes: HeaderChanges = { set: [], removed: [] };
  const recorder = {
    setHeader: (name: string, value: string) => changes.set.push([name, value]),
    removeHeader: (name: string) => changes.removed.push(name),
  };
  let done = false;
  helmet(HELMET_OPTIONS)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('helmet did not set its headers at once: they cannot be computed ahead');
  return changes;
}

/** helmet's headers on every answer, set from one list computed at boot instead of by helmet's middlewares per request. */
export const securityHeaders = () => {
  const { set, removed } = helmetHeaderChanges();
  return (_request: Request, response: Response, next: NextFunction) => {
    for (const [name, value] of set) response.setHeader(name, value);
    for (const name of removed) response.removeHeader(name);
    next();
  };
};
