import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Queue } from 'bullmq';
import { HeraldConfig, heraldConfig } from '@herald/config';
import { ALL_QUEUES, DEAD_LETTER_QUEUE } from '@herald/queues';
import { ADMIN_REALM, isAdmin } from './http/admin-credentials';

export const ADMIN_QUEUES_PATH = '/admin/queues';

/** Bull Board over every Herald queue at /admin/queues, behind the admin's Basic credentials. */
export function mountAdminQueues(app: NestExpressApplication): void {
  const config = app.get<HeraldConfig>(heraldConfig.KEY);
  const board = new ExpressAdapter();
  board.setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map(
      (name) =>
        new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }), {
          description: name === DEAD_LETTER_QUEUE ? 'Sends that failed for good. Retry a job to send it again.' : undefined,
        }),
    ),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Herald queues' } },
  });
  const requireAdmin = (request: Request, response: Response, next: NextFunction) => {
    if (isAdmin(request.headers.authorization, config.admin)) return next();
    response.setHeader('WWW-Authenticate', ADMIN_REALM);
    response.status(401).json({ statusCode: 401, code: 'admin_auth_required', message: 'admin credentials are required' });
  };
  app.use(ADMIN_QUEUES_PATH, requireAdmin, board.getRouter());
}
