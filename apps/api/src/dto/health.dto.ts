import { z } from 'zod';

export const livenessView = z
  .object({ status: z.literal('ok').meta({ description: 'The process is up.', example: 'ok' }) })
  .meta({ id: 'Liveness', description: 'The process answers; says nothing of Postgres or Redis.' });

const indicators = z.record(z.string(), z.object({ status: z.string() }).catchall(z.unknown())).meta({
  description:
    'Per dependency (`postgres`, `redis`): `status` `up` or `down`, with a `message` when down. With two or more SMS providers, ' +
    '`smsProviders` (always `up`, never the status) lists each provider’s current weight, breaker (`closed`, `half_open`, `open`), error rate and latency.',
  example: { postgres: { status: 'up' }, redis: { status: 'up' } },
});

export const readinessView = z
  .object({
    status: z.enum(['ok', 'error', 'shutting_down']).meta({ description: '`ok` when every dependency answered within a second.', example: 'ok' }),
    info: indicators.optional(),
    error: indicators.optional(),
    details: indicators,
  })
  .meta({ id: 'Readiness', description: 'Postgres and Redis each answered within a second.' });
