import { dirname } from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Application, NextFunction, Request, Response, Router, static as serveStatic } from 'express';
import { Queue } from 'bullmq';
import { AdminAccess, AdminRole } from '@herald/admin-access';
import { maskContactsIn } from '@herald/channels';
import { ALL_QUEUES, BULK_EMAIL_QUEUE, BULK_SMS_QUEUE, DEAD_LETTER_QUEUE, QueueName } from '@herald/queues';
import { authorizeAdmin } from './http/admin-credentials';
import type { ErrorBody } from './http/error-response';

export const ADMIN_QUEUES_PATH = '/admin/queues';

const logger = new Logger('BullBoard');

/** Bull Board's page asks a public font CDN for these; Herald serves the same fonts itself, under /admin/queues/fonts. */
const FONT_PACKAGES = { 'ibm-plex-sans': ['400', '500', '600'], 'ibm-plex-mono': ['400', '500'] } as const;
const FONT_CDN_LINK = /<link[^>]+href="https:\/\/fonts\.googleapis\.com\/[^"]*"[^>]*>/g;
const LOCAL_FONT_LINKS = Object.entries(FONT_PACKAGES)
  .flatMap(([family, weights]) => weights.map((weight) => `<link href="fonts/${family}/${weight}.css" rel="stylesheet">`))
  .join('');

/** Renders Bull Board's page with the local font links instead of the CDN's. */
function withLocalFonts(_request: Request, response: Response, next: NextFunction): void {
  const render = response.render.bind(response);
  const sendWithLocalFonts = (error: Error | null, html: string) => (error ? next(error) : response.send(html.replace(FONT_CDN_LINK, LOCAL_FONT_LINKS)));
  response.render = ((view: string, options?: object) => render(view, options, sendWithLocalFonts)) as Response['render'];
  next();
}

/** Texts that may quote a provider's error message, and with it a recipient. */
const MESSAGE_KEYS = new Set(['failedReason', 'message']);

/**
 * A failed job's stack trace names files on the server: the board shows the error's message (with its code), and
 * the stack stays where BullMQ recorded it, in Redis. Messages are masked again here: jobs written before recipients
 * were masked at the source (see DeliveryService) may still quote them.
 */
function asShownOnTheBoard(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(asShownOnTheBoard);
  if (body === null || typeof body !== 'object') return body;
  const shown = (key: string, value: unknown) =>
    key === 'stacktrace' ? [] : MESSAGE_KEYS.has(key) && typeof value === 'string' ? maskContactsIn(value) : asShownOnTheBoard(value);
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, shown(key, value)]));
}

/** BullMQ's words for a job that is gone or no longer in the state an action expects. */
const JOB_CHANGED = /Missing key for job|is not in the \w+ state|could not be found|not found/i;

/**
 * A press on a job that a worker or another press changed meanwhile (two Retries of one dead send at once, say) is a
 * conflict the operator can resolve by refreshing, not a server error; anything else is logged with its stack here
 * and answered without it.
 */
function boardError(error: Error): { status: 409 | 500; body: ErrorBody } {
  if (JOB_CHANGED.test(error.message)) {
    return { status: 409, body: { statusCode: 409, code: 'job_state_changed', message: `the job changed meanwhile: ${error.message}` } };
  }
  logger.error({ msg: 'Bull Board action failed', err: error });
  return { status: 500, body: { statusCode: 500, code: 'internal_error', message: error.message } };
}

const QUEUE_DESCRIPTIONS: Partial<Record<QueueName, string>> = {
  [DEAD_LETTER_QUEUE]: 'Sends that failed for good. Retry a job to send it again.',
  [BULK_SMS_QUEUE]: 'Campaign SMS, no faster than CAMPAIGN_RATE_SMS a second.',
  [BULK_EMAIL_QUEUE]: 'Campaign emails, no faster than CAMPAIGN_RATE_EMAIL a second.',
};

/** One board over Herald's queues; `readOnly` hides and refuses retry, clean, promote, remove, pause... */
function createBoard(app: NestExpressApplication, readOnly: boolean): Application {
  const board = new ExpressAdapter();
  board.setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map(
      (name) =>
        new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }), {
          readOnlyMode: readOnly,
          description: QUEUE_DESCRIPTIONS[name],
        }),
    ),
    serverAdapter: board,
    options: {
      uiConfig: { boardTitle: readOnly ? 'Herald queues (read-only)' : 'Herald queues' },
      handlerHooks: { after: (_context, result) => ({ ...result, body: asShownOnTheBoard(result.body) as typeof result.body }) },
    },
  });
  board.setErrorHandler(boardError);
  const router = board.getRouter() as Application;
  router.disable('x-powered-by');
  return router;
}

/** The fonts Bull Board's page would otherwise fetch from the CDN, from their npm packages. */
function localFonts(): Router {
  const router = Router();
  for (const family of Object.keys(FONT_PACKAGES)) {
    router.use(`/fonts/${family}`, serveStatic(dirname(require.resolve(`@fontsource/${family}/package.json`)), { immutable: true, maxAge: '7d' }));
  }
  return router;
}

/**
 * Bull Board over every Herald queue at /admin/queues: the admin gets the full board, the read-only operator
 * (ADMIN_READONLY_USER) a board without actions, and any change they still attempt is refused (403).
 */
export function mountAdminQueues(app: NestExpressApplication): void {
  const boards = { admin: createBoard(app, false), 'read-only': createBoard(app, true) };
  const access = app.get(AdminAccess);
  const authorize = (request: Request, response: Response<unknown, { role: AdminRole }>, next: NextFunction) => {
    authorizeAdmin(request, response, access).then((role) => {
      response.locals.role = role;
      next();
    }, next);
  };
  const board = (request: Request, response: Response<unknown, { role: AdminRole }>, next: NextFunction) => boards[response.locals.role](request, response, next);
  app.use(ADMIN_QUEUES_PATH, authorize, localFonts(), withLocalFonts, board);
}
