import { z } from 'zod';
import { instantField } from './fields';

export const redriveBody = z
  .object({
    queue: z.enum(['critical', 'bulk']).optional(),
    errorCode: z.string().trim().min(1).max(50).optional(),
    since: instantField.optional(),
    until: instantField.optional(),
    limit: z.number().int().min(1).max(10_000).default(1000),
  })
  .strict();
export type RedriveBody = z.infer<typeof redriveBody>;
