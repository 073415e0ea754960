import { createPublicKey } from 'node:crypto';
import { Duration } from 'luxon';
import { z } from 'zod';

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL (${protocols.join(' or ')})`);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const isoDuration = z
  .string()
  .trim()
  .refine((value) => Duration.fromISO(value).isValid, 'must be an ISO 8601 duration such as PT30S');

const positiveDuration = isoDuration.refine((value) => Duration.fromISO(value).toMillis() > 0, 'must be longer than zero');

/**
 * Keys event cursors, stream tokens and the encryption of webhook signing secrets. Outside production a fixed key
 * keeps local runs and tests working; production refuses to start without a real one.
 */
const DEVELOPMENT_SECRET_KEY = 'herald-development-secret-key-never-use-in-production';

function isP256PublicKey(base64: string): boolean {
  try {
    return createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

/** SendGrid's webhook verification key, as its settings page shows it (base64) or as a PEM; kept as the base64. */
const sendgridVerificationKey = z.string().transform((value, ctx) => {
  const base64 = value.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\\n|\s/g, '');
  if (isP256PublicKey(base64)) return base64;
  ctx.addIssue({ code: 'custom', message: 'must be the ECDSA P-256 verification key SendGrid shows (base64, or PEM)' });
  return z.NEVER;
});

/** The raw environment as the contract names it; every default lives here and only here. */
const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/herald'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
    .default('herald'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalText.pipe(url(['http:', 'https:']).optional()),
  ADMIN_USER: optionalText,
  ADMIN_PASSWORD: optionalText,
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_FROM: optionalText,
  TWILIO_API_URL: url(['http:', 'https:']).default('https://api.twilio.com'),
  SENDGRID_API_KEY: optionalText,
  SENDGRID_FROM: optionalText,
  SENDGRID_API_URL: url(['http:', 'https:']).default('https://api.sendgrid.com'),
  SENDGRID_WEBHOOK_PUBLIC_KEY: optionalText.pipe(sendgridVerificationKey.optional()),
  SLACK_WEBHOOK_URL: optionalText.pipe(url(['http:', 'https:']).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CRITICAL_CONCURRENCY: positiveInt(20),
  WORKER_BULK_CONCURRENCY: positiveInt(5),
  JOB_ATTEMPTS: positiveInt(6),
  JOB_BACKOFF_MS: positiveInt(2000),
  PROVIDER_TIMEOUT_MS: positiveInt(10000),
  RECONCILE_EVERY: isoDuration.default('PT1M'),
  BODY_LIMIT: z.string().trim().default('100kb'),
  SECRET_KEY: optionalText.pipe(z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional()),
  SSE_HEARTBEAT: positiveDuration.default('PT15S'),
  SSE_MAX_STREAMS_PER_MERCHANT: positiveInt(100),
  STREAM_TOKEN_TTL: positiveDuration.default('PT10M'),
  // A webhook job holds its bulk lock 15 s: the call must end well within it.
  WEBHOOK_TIMEOUT_MS: positiveInt(5000).pipe(z.number().max(10_000, 'must be at most 10000 (webhook jobs hold a 15 s lock)')),
  WEBHOOK_ATTEMPTS: positiveInt(16),
  WEBHOOK_BACKOFF_MS: positiveInt(30_000),
});

export type HeraldConfig = ReturnType<typeof toConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function toConfig(env: z.infer<typeof environmentSchema>) {
  const twilio =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
      ? { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.TWILIO_FROM, apiUrl: env.TWILIO_API_URL }
      : null;
  const sendgrid =
    env.SENDGRID_API_KEY && env.SENDGRID_FROM
      ? { apiKey: env.SENDGRID_API_KEY, from: env.SENDGRID_FROM, apiUrl: env.SENDGRID_API_URL }
      : null;
  return {
    nodeEnv: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.QUEUE_PREFIX,
    port: env.PORT,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    admin: env.ADMIN_USER && env.ADMIN_PASSWORD ? { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD } : null,
    twilio,
    sendgrid,
    sendgridWebhookPublicKey: env.SENDGRID_WEBHOOK_PUBLIC_KEY ?? null,
    slackWebhookUrl: env.SLACK_WEBHOOK_URL ?? null,
    logLevel: env.LOG_LEVEL,
    worker: { criticalConcurrency: env.WORKER_CRITICAL_CONCURRENCY, bulkConcurrency: env.WORKER_BULK_CONCURRENCY },
    jobs: { attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS },
    providerTimeoutMs: env.PROVIDER_TIMEOUT_MS,
    // A `sending` claim older than the provider timeout plus a margin belongs to a worker that died mid-send.
    sendingLeaseMs: env.PROVIDER_TIMEOUT_MS + 5000,
    reconcileEveryMs: Duration.fromISO(env.RECONCILE_EVERY).toMillis(),
    bodyLimit: env.BODY_LIMIT,
    secretKey: env.SECRET_KEY ?? DEVELOPMENT_SECRET_KEY,
    secretKeyIsDevelopmentDefault: env.SECRET_KEY === undefined,
    events: {
      heartbeatMs: Duration.fromISO(env.SSE_HEARTBEAT).toMillis(),
      maxStreamsPerMerchant: env.SSE_MAX_STREAMS_PER_MERCHANT,
      streamTokenTtlMs: Duration.fromISO(env.STREAM_TOKEN_TTL).toMillis(),
    },
    webhooks: { timeoutMs: env.WEBHOOK_TIMEOUT_MS, attempts: env.WEBHOOK_ATTEMPTS, backoffMs: env.WEBHOOK_BACKOFF_MS },
  };
}

/** Validates the environment once; throws a ConfigError naming every bad variable. */
export function parseEnvironment(env: Record<string, string | undefined>): HeraldConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const config = toConfig(parsed.data);
  const partial = (names: string[]) => names.some((n) => env[n]) && !names.every((n) => env[n]);
  const problems: string[] = [];
  if (partial(['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'])) {
    problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM must be set together');
  }
  if (partial(['SENDGRID_API_KEY', 'SENDGRID_FROM'])) {
    problems.push('SENDGRID_API_KEY and SENDGRID_FROM must be set together');
  }
  if (partial(['ADMIN_USER', 'ADMIN_PASSWORD'])) problems.push('ADMIN_USER and ADMIN_PASSWORD must be set together');
  if (config.nodeEnv === 'production' && !config.admin) {
    problems.push('ADMIN_USER and ADMIN_PASSWORD are required when NODE_ENV=production');
  }
  if (config.nodeEnv === 'production' && config.secretKeyIsDevelopmentDefault) {
    problems.push('SECRET_KEY is required when NODE_ENV=production (the same value on every API and worker process)');
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** The process environment, read here and nowhere else. */
export function loadConfig(): HeraldConfig {
  return parseEnvironment(process.env);
}
