import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from '@herald/observability';

/** The label of every answer given before a route matched: unknown paths, refused bodies, cross-site requests. */
const UNMATCHED_ROUTE = 'unmatched';

/** Nest runs app-wide middleware (the request logger) as a catch-all route: a request left with it matched nothing else. */
const MIDDLEWARE_CATCH_ALL = /^\/\{\*\w+\}$/;

/** The matched route's template (never the raw path: ids would explode the label set). */
function routeTemplate(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string' && !MIDDLEWARE_CATCH_ALL.test(path)) return `${request.baseUrl}${path}`;
  // A route declared with several paths (Bull Board's page) is labelled by where it is mounted.
  if (Array.isArray(path)) return request.baseUrl || '/';
  // Static files (Bull Board's scripts, fonts) are answered by the folder they are mounted at.
  if (path === undefined && request.baseUrl) return `${request.baseUrl}/*`;
  return UNMATCHED_ROUTE;
}

/**
 * Request latency by method, route and the status actually sent. It runs first and reads the answer when it is
 * finished, so answers from guards, pipes, the error filter and plain middleware are all counted as they left.
 */
export function recordRequestMetrics(request: Request, response: Response, next: NextFunction): void {
  const stop = httpRequestDuration.startTimer({ method: request.method });
  response.once('finish', () => stop({ route: routeTemplate(request), status: String(response.statusCode) }));
  next();
}
