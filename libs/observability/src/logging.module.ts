import { LoggerModule } from 'nestjs-pino';
import { HeraldConfig, heraldConfig } from '@herald/config';

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

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
        redact: {
          paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-twilio-signature"]', 'req.headers["idempotency-key"]'],
          censor: '[redacted]',
        },
        autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
        serializers: {
          req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        },
      },
    }),
  });
