import { z } from 'zod';
import type { RequestExamples } from '../http/openapi';
import { exampleInstant } from './examples';
import { instantField } from './fields';

export const redriveBody = z
  .object({
    queue: z.enum(['critical', 'bulk']).optional().meta({ description: 'Only dead notifications of this queue.', example: 'critical' }),
    errorCode: z.string().trim().min(1).max(50).optional().meta({ description: 'Only those that died with this provider error code.', example: '21211' }),
    since: instantField.optional().meta({ description: 'Only those that died at or after this instant (ISO 8601 with an offset).' }),
    until: instantField.optional().meta({ description: 'Only those that died before this instant (ISO 8601 with an offset).' }),
    limit: z.number().int().min(1).max(10_000).default(1000).meta({ description: 'At most this many, 1 to 10000.', example: 1000 }),
  })
  .strict()
  .meta({ id: 'RedriveRequest', description: 'Which dead notifications to send again; every field narrows the match.' });
export type RedriveBody = z.infer<typeof redriveBody>;

export const redriveExamples: RequestExamples = {
  outage: { summary: 'Everything that died on critical since yesterday', value: { queue: 'critical', since: exampleInstant(-1, 0), limit: 500 } },
  everything: { summary: 'Every dead notification (up to 1000)', value: {} },
};

export const redriveResultView = z
  .object({ redriven: z.number().int().min(0).meta({ description: 'Notifications sent again (back to `queued`, dead letters cleared).', example: 12 }) })
  .meta({ id: 'RedriveResult', description: 'How many dead notifications went back to their queue.' });
export type RedriveResultView = z.infer<typeof redriveResultView>;
