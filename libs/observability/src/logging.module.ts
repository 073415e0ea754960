import { levels } from 'pino';
import { LoggerModule } from 'nestjs-pino';
import { HeraldConfig, heraldConfig } from '@herald/config';

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** Nest's own boot chatter (modules loaded, routes mapped): useful when debugging the wiring, noise otherwise. */
const FRAMEWORK_WIRING = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);
const INFO = 30;

const isFrameworkWiring = (first: unknown) =>
  typeof first === 'object' && first !== null && FRAMEWORK_WIRING.has((first as { context?: unknown }).context as string);

/**
 * Structured JSON logs. Credentials and signatures are redacted; recipients are masked where they are logged
 * (see maskRecipient), and request bodies, which carry phone numbers and emails, are never logged.
 */
export const HeraldLoggerModule = (app: 'api' | 'worker') =>
  LoggerModule.forRootAsync({
    inject: [heraldConfig.KEY],
    useFactory: (config: HeraldConfig) => ({
      pinoHttp: {
        level: config.logLevel,
        base: { app },
        hooks: {
          logMethod(args, log, level) {
            if (level === INFO && isFrameworkWiring(args[0])) return this.debug(...(args as Parameters<typeof this.debug>));
            return log.apply(this, args);
          },
        },
        redact: {
          paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-twilio-signature"]', 'req.headers["idempotency-key"]'],
          censor: '[redacted]',
        },
        // pino-http logs each finished request at info: above that level it would build every line only to drop it.
        autoLogging: (levels.values[config.logLevel] ?? Infinity) <= INFO && { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
        // Our serializers read the raw request and response: pino-http's wrapping would first copy every header of each
        // request into a standard object, which ours then drops.
        wrapSerializers: false,
        serializers: {
          req: (req: { id: unknown; method: string; url: string; originalUrl?: string }) => ({
            id: req.id,
            method: req.method,
            url: (req.originalUrl ?? req.url).split('?')[0],
          }),
          // The status is what matters; the security headers every answer carries would double each line.
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      },
    }),
  });
