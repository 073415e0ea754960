import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { DateTime, Duration } from 'luxon';
import { z } from 'zod';

/**
 * Sends in flight per worker on `critical`. A send mostly waits for the provider (150–300 ms for a real one), and the
 * claims and `sent` writes of concurrent sends share their statements, so more in flight costs no Postgres connections
 * and makes each shared statement cheaper per send; 20 capped a worker at 67–133 SMS/s against a real provider.
 */
export const DEFAULT_CRITICAL_CONCURRENCY = 50;

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

/** `host:port`, `[ipv6]:port`: one Redis Cluster seed or one sentinel. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/;

export interface RedisEndpoint {
  host: string;
  port: number;
}

/** A comma-separated list of `host:port` (blanks around commas allowed), parsed into endpoints. */
const hostPortList = z.string().transform((value, ctx) => {
  const endpoints: RedisEndpoint[] = [];
  for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    const match = HOST_PORT.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `must be comma-separated host:port pairs ("${entry}" is not one)` });
      return z.NEVER;
    }
    endpoints.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  if (!endpoints.length) {
    ctx.addIssue({ code: 'custom', message: 'must name at least one host:port' });
    return z.NEVER;
  }
  return endpoints;
});

/** A PEM file of CA certificates, read at boot: the certificates that may sign Redis' own (a private or self-signed CA). */
const pemCertificates = z.string().transform((path, ctx) => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give the path of a PEM file` });
    return z.NEVER;
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    ctx.addIssue({ code: 'custom', message: `names ${path}, which holds no PEM certificate (-----BEGIN CERTIFICATE-----)` });
    return z.NEVER;
  }
  return text;
});

/** How Vonage signs its webhooks (the account's setting in its dashboard; Vonage's default is md5hash). */
export const VONAGE_SIGNATURE_METHODS = ['md5hash', 'md5hmac', 'sha1hmac', 'sha256hmac', 'sha512hmac'] as const;
export type VonageSignatureMethod = (typeof VONAGE_SIGNATURE_METHODS)[number];

export const SMS_PROVIDER_NAMES = ['twilio', 'vonage'] as const;
export type SmsProviderName = (typeof SMS_PROVIDER_NAMES)[number];
export interface SmsProviderWeight {
  provider: SmsProviderName;
  /** Share of the traffic at rest, relative to the others' (70 and 30: seven sends in ten on the first). */
  weight: number;
}

/** SMS_PROVIDERS: `twilio:70,vonage:30` (a name alone weighs 100), each provider once. */
const smsProviderWeights = z.string().transform((value, ctx) => {
  const weights: SmsProviderWeight[] = [];
  for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name, weightText, ...rest] = entry.split(':').map((part) => part.trim());
    const weight = weightText === undefined ? 100 : Number(weightText);
    const provider = SMS_PROVIDER_NAMES.find((known) => known === name);
    if (!provider || rest.length || !Number.isInteger(weight) || weight < 1 || weight > 1000 || weights.some((w) => w.provider === provider)) {
      ctx.addIssue({ code: 'custom', message: `must be comma-separated provider:weight pairs of ${SMS_PROVIDER_NAMES.join(' or ')}, each once, weights 1 to 1000 ("${entry}" is not one)` });
      return z.NEVER;
    }
    weights.push({ provider, weight });
  }
  if (!weights.length) {
    ctx.addIssue({ code: 'custom', message: 'must name at least one provider' });
    return z.NEVER;
  }
  return weights;
});

/** Express's names for address ranges, usable in TRUST_PROXY. */
const TRUSTED_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address or a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

/**
 * Which peers may tell the API the client's address and scheme (X-Forwarded-For, X-Forwarded-Proto), in the forms
 * Express takes: a number of proxy hops in front of the API, or a comma-separated list of range names, addresses and
 * CIDR ranges. `true` (believe any peer) is refused: a client could then pick the address it is rate-limited by.
 */
const trustProxy = z.string().transform((value, ctx): number | string[] => {
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  const invalid = entries.find((entry) => !TRUSTED_RANGE_NAMES.has(entry) && !isAddressOrRange(entry));
  if (!entries.length || invalid !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a number of proxy hops, or comma-separated loopback, linklocal, uniquelocal, addresses and CIDR ranges${invalid === undefined ? '' : ` ("${invalid}" is none of these)`}`,
    });
    return z.NEVER;
  }
  return entries;
});

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Passwords that guessing starts with, whatever their length (compared ignoring case). */
const WELL_KNOWN_PASSWORDS = new Set([
  'change-me',
  'changeme',
  'change-me-please',
  'password',
  'password123',
  'password1234',
  'passw0rd',
  'admin',
  'administrator',
  'admin123',
  'admin12345',
  'secret',
  'herald',
  'letmein',
  'qwerty',
  'qwertyuiop',
  '123456',
  '12345678',
  '123456789012',
]);
const MIN_PRODUCTION_PASSWORD_LENGTH = 12;

/** Why a production password is refused, or null when it will do. */
function weakPasswordReason(password: string, user: string): string | null {
  if (WELL_KNOWN_PASSWORDS.has(password.toLowerCase())) return 'is a well-known password';
  if (password.length < MIN_PRODUCTION_PASSWORD_LENGTH) return `is shorter than ${MIN_PRODUCTION_PASSWORD_LENGTH} characters`;
  if (password.toLowerCase() === user.toLowerCase()) return 'is the user name';
  return null;
}

const isoDuration = z
  .string()
  .trim()
  .refine((value) => Duration.fromISO(value).isValid, 'must be an ISO 8601 duration such as PT30S');

const positiveIsoDuration = isoDuration.refine((value) => Duration.fromISO(value).toMillis() > 0, 'must be a positive ISO 8601 duration, e.g. PT1M or P1Y');

/**
 * The shortest and longest `retention` a merchant may set. MAX_RETENTION lies between them too: an operator may only
 * shorten the longest.
 */
export const RETENTION_LIMITS = { shortest: 'P1D', longest: 'P3Y' } as const;

/** A retention within RETENTION_LIMITS, both counted back on the calendar from now (P3Y is three calendar years). */
const maxRetention = isoDuration.refine((value) => {
  const retention = Duration.fromISO(value);
  if (!retention.isValid) return true; // isoDuration says what is wrong
  const now = DateTime.utc();
  const since = now.minus(retention);
  return since.isValid && since <= now.minus(Duration.fromISO(RETENTION_LIMITS.shortest)) && since >= now.minus(Duration.fromISO(RETENTION_LIMITS.longest));
}, `must be a duration from ${RETENTION_LIMITS.shortest} to ${RETENTION_LIMITS.longest}, e.g. P1Y`);

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
  // Connections each API or worker process may hold: size them all against the server's max_connections.
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(20),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: optionalText.pipe(hostPortList.optional()),
  REDIS_SENTINELS: optionalText.pipe(hostPortList.optional()),
  REDIS_SENTINEL_NAME: optionalText,
  // Secrets: never logged. Single mode may carry them in REDIS_URL instead (redis://user:password@host).
  REDIS_USERNAME: optionalText,
  REDIS_PASSWORD: optionalText,
  REDIS_SENTINEL_USERNAME: optionalText,
  REDIS_SENTINEL_PASSWORD: optionalText,
  REDIS_TLS: optionalText.pipe(z.enum(['true', 'false']).optional()),
  REDIS_TLS_CA: optionalText.pipe(pemCertificates.optional()),
  REDIS_TLS_SERVERNAME: optionalText,
  QUEUE_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
    .default('herald'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  TRUST_PROXY: trustProxy.default(['loopback']),
  ADMIN_RATE_LIMIT: positiveInt(60),
  ADMIN_LOGIN_FAILURES: positiveInt(10),
  ADMIN_LOCKOUT: positiveIsoDuration.default('PT15M'),
  PUBLIC_URL: optionalText.pipe(url(['http:', 'https:']).optional()),
  ADMIN_USER: optionalText,
  ADMIN_PASSWORD: optionalText,
  ADMIN_READONLY_USER: optionalText,
  ADMIN_READONLY_PASSWORD: optionalText,
  // Unset: `admin` in production (queue depths are not for the public), `none` elsewhere.
  METRICS_AUTH: optionalText.pipe(z.enum(['none', 'admin']).optional()),
  METRICS_PORT: optionalText.pipe(z.coerce.number<string | undefined>().int().min(1).max(65535).optional()),
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_FROM: optionalText,
  TWILIO_API_URL: url(['http:', 'https:']).default('https://api.twilio.com'),
  // `whatsapp:+14155238886` or `+14155238886`: kept as Twilio addresses WhatsApp senders, with the prefix.
  TWILIO_WHATSAPP_FROM: optionalText.pipe(
    z
      .string()
      .regex(/^(whatsapp:)?\+[1-9]\d{6,14}$/, 'must be an E.164 number, optionally prefixed with whatsapp:')
      .transform((value) => (value.startsWith('whatsapp:') ? value : `whatsapp:${value}`))
      .optional(),
  ),
  // The Twilio SDK's own settings (it reads them itself): where either is set, Herald lets the SDK's transport carry its calls.
  HTTP_PROXY: optionalText,
  TWILIO_CA_BUNDLE: optionalText,
  VONAGE_API_KEY: optionalText,
  VONAGE_API_SECRET: optionalText,
  VONAGE_FROM: optionalText,
  VONAGE_SIGNATURE_SECRET: optionalText,
  VONAGE_SIGNATURE_METHOD: z.enum(VONAGE_SIGNATURE_METHODS).default('md5hash'),
  VONAGE_API_URL: url(['http:', 'https:']).default('https://rest.nexmo.com'),
  SMS_PROVIDERS: optionalText.pipe(smsProviderWeights.optional()),
  SMS_BREAKER_FAILURES: positiveInt(5),
  SMS_BREAKER_COOLDOWN: positiveIsoDuration.default('PT30S'),
  SMS_BREAKER_SLOW_CALL: positiveIsoDuration.default('PT2S'),
  SENDGRID_API_KEY: optionalText,
  SENDGRID_FROM: optionalText,
  SENDGRID_API_URL: url(['http:', 'https:']).default('https://api.sendgrid.com'),
  SENDGRID_WEBHOOK_PUBLIC_KEY: optionalText.pipe(sendgridVerificationKey.optional()),
  SLACK_WEBHOOK_URL: optionalText.pipe(url(['http:', 'https:']).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CRITICAL_CONCURRENCY: positiveInt(DEFAULT_CRITICAL_CONCURRENCY),
  WORKER_BULK_CONCURRENCY: positiveInt(5),
  WORKER_CAMPAIGN_CONCURRENCY: positiveInt(20),
  CAMPAIGN_RATE_SMS: positiveInt(100),
  CAMPAIGN_RATE_EMAIL: positiveInt(100),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  JOB_ATTEMPTS: positiveInt(6),
  JOB_BACKOFF_MS: positiveInt(2000),
  PROVIDER_TIMEOUT_MS: positiveInt(10000),
  RECONCILE_EVERY: isoDuration.default('PT1M'),
  MAX_SCHEDULE_AHEAD: positiveIsoDuration.default('P1Y'),
  EXPORT_TICK_EVERY: positiveIsoDuration.default('PT1M'),
  EXPORT_CATCH_UP_DAYS: z.coerce.number().int().min(1).max(400).default(7),
  EXPORT_LEASE: positiveIsoDuration.default('PT1M'),
  MAX_RETENTION: maxRetention.default(RETENTION_LIMITS.longest),
  RETENTION_TICK_EVERY: positiveIsoDuration.default('PT15M'),
  RETENTION_LEASE: positiveIsoDuration.default('PT2M'),
  BODY_LIMIT: z.string().trim().default('100kb'),
  SECRET_KEY: optionalText.pipe(z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional()),
  SSE_HEARTBEAT: positiveIsoDuration.default('PT15S'),
  SSE_MAX_STREAMS_PER_MERCHANT: positiveInt(100),
  STREAM_TOKEN_TTL: positiveIsoDuration.default('PT10M'),
  // A webhook job holds its bulk lock 15 s: the call must end well within it.
  WEBHOOK_TIMEOUT_MS: positiveInt(5000).pipe(z.number().max(10_000, 'must be at most 10000 (webhook jobs hold a 15 s lock)')),
  WEBHOOK_ATTEMPTS: positiveInt(16),
  WEBHOOK_BACKOFF_MS: positiveInt(30_000),
  // Unset: `false` in production (a merchant's URL must not reach Herald's own network), `true` elsewhere.
  WEBHOOK_ALLOW_PRIVATE: optionalText.pipe(z.enum(['true', 'false'], 'must be true or false').optional()),
});

export type HeraldConfig = ReturnType<typeof toConfig>;

/** An ACL user name (Redis 6+) and its password, or the `requirepass` password alone (user `default`). */
export interface RedisCredentials {
  username: string | null;
  password: string | null;
}

/** TLS to Redis. The server's certificate is always verified: against `ca` (a PEM, e.g. a private CA) or the system's. */
export interface RedisTls {
  ca: string | null;
  /** The name the certificate must carry, when it is not the host connected to (Cluster nodes announce addresses). */
  servername: string | null;
}

/** How Herald proves itself to every Redis server it stores data on, and whether it speaks TLS to them. */
export interface RedisAccess {
  credentials?: RedisCredentials;
  tls?: RedisTls | null;
}

/**
 * Where Redis is: one server (REDIS_URL), a Cluster found through any of its seeds, or the primary that Sentinel
 * names; and how to get in. libs/redis turns it into clients; beyond that only the queues' key prefixes depend on it
 * (libs/queues). Sentinels may have credentials of their own; TLS, when on, covers them too.
 */
export type RedisTopology =
  | ({ kind: 'single'; url: string } & RedisAccess)
  | ({ kind: 'cluster'; nodes: RedisEndpoint[] } & RedisAccess)
  | ({ kind: 'sentinel'; sentinels: RedisEndpoint[]; name: string; sentinelCredentials?: RedisCredentials } & RedisAccess);

function redisTopology(env: z.infer<typeof environmentSchema>): RedisTopology {
  const url = new URL(env.REDIS_URL);
  const single = !env.REDIS_CLUSTER_NODES && !(env.REDIS_SENTINELS && env.REDIS_SENTINEL_NAME);
  // In single mode the URL may carry the credentials and the scheme (rediss:) the TLS; parseEnvironment refuses both ways at once.
  const fromUrl = single && url.password ? { username: url.username ? decodeURIComponent(url.username) : null, password: decodeURIComponent(url.password) } : null;
  const access: Required<RedisAccess> = {
    credentials: fromUrl ?? { username: env.REDIS_USERNAME ?? null, password: env.REDIS_PASSWORD ?? null },
    tls:
      env.REDIS_TLS === 'true' || (single && url.protocol === 'rediss:')
        ? { ca: env.REDIS_TLS_CA ?? null, servername: env.REDIS_TLS_SERVERNAME ?? null }
        : null,
  };
  if (env.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: env.REDIS_CLUSTER_NODES, ...access };
  if (env.REDIS_SENTINELS && env.REDIS_SENTINEL_NAME) {
    const sentinelCredentials = { username: env.REDIS_SENTINEL_USERNAME ?? null, password: env.REDIS_SENTINEL_PASSWORD ?? null };
    return { kind: 'sentinel', sentinels: env.REDIS_SENTINELS, name: env.REDIS_SENTINEL_NAME, sentinelCredentials, ...access };
  }
  return { kind: 'single', url: env.REDIS_URL, ...access };
}

/** What is wrong with the Redis credential and TLS settings, given the topology they apply to. */
function redisAccessProblems(env: z.infer<typeof environmentSchema>, topology: RedisTopology): string[] {
  const problems: string[] = [];
  const url = new URL(env.REDIS_URL);
  if (topology.kind === 'single' && (url.username || url.password) && (env.REDIS_USERNAME || env.REDIS_PASSWORD)) {
    problems.push('REDIS_URL carries credentials and so do REDIS_USERNAME/REDIS_PASSWORD: give them one way');
  }
  if (topology.kind === 'single' && url.username && !url.password) problems.push('REDIS_URL names a user without a password (redis://user:password@host)');
  if (env.REDIS_USERNAME && !env.REDIS_PASSWORD) problems.push('REDIS_USERNAME needs REDIS_PASSWORD');
  if (env.REDIS_SENTINEL_USERNAME && !env.REDIS_SENTINEL_PASSWORD) problems.push('REDIS_SENTINEL_USERNAME needs REDIS_SENTINEL_PASSWORD');
  if ((env.REDIS_SENTINEL_USERNAME || env.REDIS_SENTINEL_PASSWORD) && topology.kind !== 'sentinel') {
    problems.push('REDIS_SENTINEL_USERNAME and REDIS_SENTINEL_PASSWORD apply to sentinels only: set REDIS_SENTINELS and REDIS_SENTINEL_NAME, or remove them');
  }
  if (topology.kind === 'single' && env.REDIS_TLS === 'false' && url.protocol === 'rediss:') problems.push('REDIS_TLS=false contradicts a rediss:// REDIS_URL');
  if (!topology.tls && (env.REDIS_TLS_CA || env.REDIS_TLS_SERVERNAME)) {
    problems.push('REDIS_TLS_CA and REDIS_TLS_SERVERNAME need TLS: set REDIS_TLS=true (or a rediss:// REDIS_URL)');
  }
  return problems;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function toConfig(env: z.infer<typeof environmentSchema>) {
  const twilio =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
      ? {
          accountSid: env.TWILIO_ACCOUNT_SID,
          authToken: env.TWILIO_AUTH_TOKEN,
          from: env.TWILIO_FROM,
          apiUrl: env.TWILIO_API_URL,
          sdkTransport: Boolean(env.HTTP_PROXY || env.TWILIO_CA_BUNDLE),
        }
      : null;
  const vonage =
    env.VONAGE_API_KEY && env.VONAGE_API_SECRET && env.VONAGE_FROM
      ? {
          apiKey: env.VONAGE_API_KEY,
          apiSecret: env.VONAGE_API_SECRET,
          from: env.VONAGE_FROM,
          apiUrl: env.VONAGE_API_URL,
          signatureSecret: env.VONAGE_SIGNATURE_SECRET ?? null,
          signatureMethod: env.VONAGE_SIGNATURE_METHOD,
        }
      : null;
  // Unset: the one SMS provider configured (Twilio first, as before Vonage existed), all traffic on it.
  const configuredSms = [...(twilio ? (['twilio'] as const) : []), ...(vonage ? (['vonage'] as const) : [])];
  const smsProviders: SmsProviderWeight[] = env.SMS_PROVIDERS ?? configuredSms.slice(0, 1).map((provider) => ({ provider, weight: 100 }));
  const sendgrid =
    env.SENDGRID_API_KEY && env.SENDGRID_FROM
      ? { apiKey: env.SENDGRID_API_KEY, from: env.SENDGRID_FROM, apiUrl: env.SENDGRID_API_URL }
      : null;
  return {
    nodeEnv: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    redis: redisTopology(env),
    queuePrefix: env.QUEUE_PREFIX,
    port: env.PORT,
    /** Express's `trust proxy`: the peers whose X-Forwarded-For / X-Forwarded-Proto are believed. */
    trustProxy: env.TRUST_PROXY,
    /** Admin requests per client address and route per minute, counted in Redis across every API process. */
    adminRateLimit: env.ADMIN_RATE_LIMIT,
    /**
     * Wrong admin credentials per client address, counted in Redis across every API process: the `failures`-th within
     * `windowMs` locks that address out of /admin for `windowMs`.
     */
    adminLockout: { failures: env.ADMIN_LOGIN_FAILURES, windowMs: Duration.fromISO(env.ADMIN_LOCKOUT).toMillis() },
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    admin: env.ADMIN_USER && env.ADMIN_PASSWORD ? { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD } : null,
    /** Sees /admin (Bull Board) and changes nothing. */
    adminReadOnly:
      env.ADMIN_READONLY_USER && env.ADMIN_READONLY_PASSWORD ? { user: env.ADMIN_READONLY_USER, password: env.ADMIN_READONLY_PASSWORD } : null,
    metrics: {
      auth: env.METRICS_AUTH ?? (env.NODE_ENV === 'production' ? 'admin' : 'none'),
      /** Set: /metrics is served on this port only, not on PORT. */
      port: env.METRICS_PORT ?? null,
    },
    twilio,
    /** WhatsApp through the Twilio account: its sender (`whatsapp:+…`); null: WhatsApp goes to the log driver. */
    whatsapp: twilio && env.TWILIO_WHATSAPP_FROM ? { from: env.TWILIO_WHATSAPP_FROM } : null,
    vonage,
    /** The SMS providers traffic is split over, with their resting weights; empty: the log driver. */
    smsProviders,
    /**
     * Routing between SMS providers (with two or more): a provider's breaker opens after `failures` transient failures
     * in a row, and lets one probe through `cooldownMs` after it opened.
     */
    smsBreaker: {
      failures: env.SMS_BREAKER_FAILURES,
      cooldownMs: Duration.fromISO(env.SMS_BREAKER_COOLDOWN).toMillis(),
      slowCallMs: Duration.fromISO(env.SMS_BREAKER_SLOW_CALL).toMillis(),
    },
    sendgrid,
    sendgridWebhookPublicKey: env.SENDGRID_WEBHOOK_PUBLIC_KEY ?? null,
    slackWebhookUrl: env.SLACK_WEBHOOK_URL ?? null,
    logLevel: env.LOG_LEVEL,
    worker: {
      criticalConcurrency: env.WORKER_CRITICAL_CONCURRENCY,
      bulkConcurrency: env.WORKER_BULK_CONCURRENCY,
      /** Per campaign queue (`bulk-sms`, `bulk-email`) and worker; the rate below caps them all together. */
      campaignConcurrency: env.WORKER_CAMPAIGN_CONCURRENCY,
      // 0 asks the OS for any free port (several workers on one host); the worker logs the one it got.
      metricsPort: env.WORKER_METRICS_PORT,
      // A taken port: outside production the worker takes any free one and says which (a second `npm run
      // start:worker` on a laptop); in production it stops, since Prometheus and the probes expect the port named.
      metricsPortIfTaken: env.NODE_ENV === 'production' ? ('fail' as const) : ('any' as const),
    },
    jobs: { attempts: env.JOB_ATTEMPTS, backoffMs: env.JOB_BACKOFF_MS },
    /** Campaign sends per second per provider, across every worker (the providers cap an account's rate). */
    campaignRates: { sms: env.CAMPAIGN_RATE_SMS, email: env.CAMPAIGN_RATE_EMAIL },
    providerTimeoutMs: env.PROVIDER_TIMEOUT_MS,
    // A `sending` claim older than the provider timeout plus a margin belongs to a worker that died mid-send.
    sendingLeaseMs: env.PROVIDER_TIMEOUT_MS + 5000,
    reconcileEveryMs: Duration.fromISO(env.RECONCILE_EVERY).toMillis(),
    /** ISO 8601 duration: the furthest ahead a pickup or a send may be scheduled (calendar-aware, so P1Y is a year). */
    maxScheduleAhead: env.MAX_SCHEDULE_AHEAD,
    exports: {
      tickEveryMs: Duration.fromISO(env.EXPORT_TICK_EVERY).toMillis(),
      catchUpDays: env.EXPORT_CATCH_UP_DAYS,
      // A claim older than this belongs to a worker that died: another worker may take the day over.
      leaseMs: Duration.fromISO(env.EXPORT_LEASE).toMillis(),
    },
    retention: {
      /** ISO 8601 duration: the longest retention any merchant gets, whatever it set before this was lowered. */
      max: env.MAX_RETENTION,
      /** How often the workers look whether today's purge has run (it runs once a day across all workers). */
      tickEveryMs: Duration.fromISO(env.RETENTION_TICK_EVERY).toMillis(),
      // A run whose lease ran out belongs to a worker that died: the next tick takes it over where it stopped.
      leaseMs: Duration.fromISO(env.RETENTION_LEASE).toMillis(),
    },
    bodyLimit: env.BODY_LIMIT,
    secretKey: env.SECRET_KEY ?? DEVELOPMENT_SECRET_KEY,
    secretKeyIsDevelopmentDefault: env.SECRET_KEY === undefined,
    events: {
      heartbeatMs: Duration.fromISO(env.SSE_HEARTBEAT).toMillis(),
      maxStreamsPerMerchant: env.SSE_MAX_STREAMS_PER_MERCHANT,
      streamTokenTtlMs: Duration.fromISO(env.STREAM_TOKEN_TTL).toMillis(),
    },
    webhooks: {
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      attempts: env.WEBHOOK_ATTEMPTS,
      backoffMs: env.WEBHOOK_BACKOFF_MS,
      /** Whether endpoints may be (or resolve to) loopback, private, link-local and other non-public addresses. */
      allowPrivate: (env.WEBHOOK_ALLOW_PRIVATE ?? (env.NODE_ENV === 'production' ? 'false' : 'true')) === 'true',
    },
  };
}

/** Validates the environment once; throws a ConfigError naming every bad variable. */
export function parseEnvironment(env: Record<string, string | undefined>): HeraldConfig {
  // Empty means unset: docker compose passes variables the operator left out as empty strings.
  const parsed = environmentSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim())));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const config = toConfig(parsed.data);
  const partial = (names: string[]) => names.some((n) => env[n]) && !names.every((n) => env[n]);
  const problems: string[] = [];
  if (partial(['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'])) {
    problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM must be set together');
  }
  if (env.TWILIO_WHATSAPP_FROM && !config.twilio) {
    problems.push('TWILIO_WHATSAPP_FROM needs the Twilio account: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM too');
  }
  if (partial(['VONAGE_API_KEY', 'VONAGE_API_SECRET', 'VONAGE_FROM'])) {
    problems.push('VONAGE_API_KEY, VONAGE_API_SECRET and VONAGE_FROM must be set together');
  }
  for (const { provider } of config.smsProviders) {
    if (!config[provider]) problems.push(`SMS_PROVIDERS names ${provider}, which is not configured (set its ${provider.toUpperCase()}_* variables)`);
  }
  if (partial(['SENDGRID_API_KEY', 'SENDGRID_FROM'])) {
    problems.push('SENDGRID_API_KEY and SENDGRID_FROM must be set together');
  }
  if (partial(['ADMIN_USER', 'ADMIN_PASSWORD'])) problems.push('ADMIN_USER and ADMIN_PASSWORD must be set together');
  if (partial(['ADMIN_READONLY_USER', 'ADMIN_READONLY_PASSWORD'])) problems.push('ADMIN_READONLY_USER and ADMIN_READONLY_PASSWORD must be set together');
  if (config.adminReadOnly && !config.admin) {
    problems.push('ADMIN_READONLY_USER needs ADMIN_USER and ADMIN_PASSWORD (without them /admin is open to anyone)');
  }
  if (config.adminReadOnly && config.admin && config.adminReadOnly.user === config.admin.user) {
    problems.push('ADMIN_READONLY_USER must differ from ADMIN_USER');
  }
  if (config.metrics.port !== null && config.metrics.port === config.port) problems.push('METRICS_PORT must differ from PORT');
  if (partial(['REDIS_SENTINELS', 'REDIS_SENTINEL_NAME'])) problems.push('REDIS_SENTINELS and REDIS_SENTINEL_NAME must be set together');
  const { REDIS_CLUSTER_NODES, REDIS_SENTINELS, REDIS_SENTINEL_NAME } = parsed.data;
  if (REDIS_CLUSTER_NODES && (REDIS_SENTINELS || REDIS_SENTINEL_NAME)) {
    problems.push('REDIS_CLUSTER_NODES and REDIS_SENTINELS choose different Redis topologies: set one of them');
  }
  problems.push(...redisAccessProblems(parsed.data, config.redis));
  if (config.nodeEnv === 'production' && !config.admin) {
    problems.push('ADMIN_USER and ADMIN_PASSWORD are required when NODE_ENV=production');
  }
  if (config.nodeEnv === 'production' && config.secretKeyIsDevelopmentDefault) {
    problems.push('SECRET_KEY is required when NODE_ENV=production (the same value on every API and worker process)');
  }
  if (config.nodeEnv === 'production') {
    for (const [name, credentials] of [['ADMIN_PASSWORD', config.admin], ['ADMIN_READONLY_PASSWORD', config.adminReadOnly]] as const) {
      const weakness = credentials && weakPasswordReason(credentials.password, credentials.user);
      if (weakness) problems.push(`${name} ${weakness}; NODE_ENV=production needs ${MIN_PRODUCTION_PASSWORD_LENGTH} or more characters that are not a well-known password`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** The process environment, read here and nowhere else. */
export function loadConfig(): HeraldConfig {
  return parseEnvironment(process.env);
}
