import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NextFunction, Request, Response, static as serveStatic } from 'express';
import { DomainError } from '@herald/errors';

export const CONSOLE_PATH = '/console';

/** Where `npm run build` writes the console (vite): dist/apps/console, beside this app's own dist/apps/api. */
const CONSOLE_DIR = join(__dirname, '..', '..', 'console');

/**
 * The console loads only what Herald serves it: scripts and styles from files (no inline script or style, no eval),
 * its fonts, and the API on the same origin; no frame may hold it.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Files the build wrote precompressed beside the original (`.br`, `.gz`), by the encoding the browser accepts. */
const PRECOMPRESSED: { encoding: string; suffix: string }[] = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
];
const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** Hashed files under assets/ never change; the page itself is asked for again each time, so a new build shows at once. */
function cacheFor(path: string): string {
  return path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

function withPolicy(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY);
  next();
}

/** No console page or file has a path this long: its longest are a section and an id. */
const MAX_PATH_LENGTH = 1024;
/** What no segment of a console path holds once decoded: a separator that was escaped, a NUL or another control character. */
const SEPARATOR = /[/\\]/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Paths that no console page or file can have answer here, before the files and the page: 400 for an escape that does
 * not decode or a control character (NUL among them), 404 for a `.` or `..` segment, an escaped `/` or `\`, or a path
 * longer than MAX_PATH_LENGTH. Left to the static files, they would fall through to the page (200), which hides a
 * probe for files outside the build behind an answer that looks like success.
 */
function refuseImpossiblePaths(request: Request, _response: Response, next: NextFunction): void {
  const notFound = () => next(new DomainError('not_found', 'route_not_found', 'no console page or file has this path'));
  if (request.path.length > MAX_PATH_LENGTH) return notFound();
  for (const segment of request.path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return next(new DomainError('invalid', 'bad_request', 'the path holds an escape that does not decode'));
    }
    if (CONTROL.test(decoded)) return next(new DomainError('invalid', 'bad_request', 'the path holds a control character'));
    if (decoded === '.' || decoded === '..' || SEPARATOR.test(decoded)) return notFound();
  }
  next();
}

/** Scripts and styles as the build compressed them, when the browser takes that encoding. */
function precompressed(request: Request, response: Response, next: NextFunction): void {
  const type = CONTENT_TYPES[extname(request.path)];
  if (!type || (request.method !== 'GET' && request.method !== 'HEAD')) return next();
  const accepted = String(request.headers['accept-encoding'] ?? '');
  const file = normalize(join(CONSOLE_DIR, request.path));
  if (!file.startsWith(CONSOLE_DIR + sep)) return next();
  const match = PRECOMPRESSED.find(({ encoding, suffix }) => accepted.includes(encoding) && existsSync(file + suffix) && statSync(file + suffix).isFile());
  response.setHeader('Vary', 'Accept-Encoding');
  if (!match) return next();
  response.setHeader('Content-Encoding', match.encoding);
  response.setHeader('Content-Type', type);
  response.setHeader('Cache-Control', cacheFor(request.path));
  response.sendFile(file + match.suffix, (error) => error && next(error));
}

/**
 * The merchant console at /console: its built files, and its page for every other path under it (the console routes
 * in the browser). Missing build (only `tsc` ran): a warning at boot and 404s there.
 */
export function mountConsole(app: NestExpressApplication): void {
  const page = join(CONSOLE_DIR, 'index.html');
  if (!existsSync(page)) new Logger('Console').warn(`the console is not built (${page} is missing): run npm run build`);
  const files = serveStatic(CONSOLE_DIR, { index: false, redirect: false, setHeaders: (response, path) => response.setHeader('Cache-Control', cacheFor(path.slice(CONSOLE_DIR.length))) });
  const sendPage = (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (request.path.startsWith('/assets/') || !existsSync(page)) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(page, (error) => error && next(error));
  };
  app.use(CONSOLE_PATH, withPolicy, refuseImpossiblePaths, precompressed, files, sendPage);
}
