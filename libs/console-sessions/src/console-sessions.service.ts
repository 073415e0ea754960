import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { ApiKeyEntity, AuthenticatedKey, ConsoleSessionRepository } from '@herald/persistence';

/** A session ends this long after its last request (the console's pages ask at least every few minutes while open). */
export const CONSOLE_SESSION_IDLE_SECONDS = 2 * 3600;
/** And this long after sign-in whatever happens: a working day, then the key is asked for again. */
export const CONSOLE_SESSION_LIFETIME_SECONDS = 12 * 3600;
/** A session's last use is written at most this often, so most requests only read. */
const TOUCH_GRANULARITY_SECONDS = 60;

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** A session as a request sees it: the key it acts with (scope and merchant) and when it ends for good. */
export interface ConsoleSession {
  key: AuthenticatedKey;
  expiresAt: Date;
}

const hashOf = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex');

/**
 * The console's sessions: an API key is exchanged for an opaque random id (the cookie), stored only as its hash. A
 * session acts with its key's scope, ends after CONSOLE_SESSION_IDLE_SECONDS without a request or
 * CONSOLE_SESSION_LIFETIME_SECONDS after sign-in, at sign-out, and at once when its key is revoked (the row goes with
 * the key).
 */
@Injectable()
export class ConsoleSessions {
  private readonly logger = new Logger('ConsoleSessions');

  constructor(private readonly sessions: ConsoleSessionRepository) {}

  async start(key: ApiKeyEntity): Promise<{ sessionId: string; expiresAt: Date }> {
    const sessionId = randomBytes(32).toString('base64url');
    const expiresAt = await this.sessions.create({
      idHash: hashOf(sessionId),
      apiKeyId: key.id,
      lifetimeSeconds: CONSOLE_SESSION_LIFETIME_SECONDS,
      idleSeconds: CONSOLE_SESSION_IDLE_SECONDS,
    });
    return { sessionId, expiresAt };
  }

  /** The session this id opens, or null when it never existed, has ended, or its key was revoked. */
  async resume(sessionId: string): Promise<ConsoleSession | null> {
    if (!SESSION_ID.test(sessionId)) return null;
    const idHash = hashOf(sessionId);
    const session = await this.sessions.findLive(idHash, CONSOLE_SESSION_IDLE_SECONDS);
    if (!session) return null;
    if (Date.now() - session.lastSeenAt.getTime() >= TOUCH_GRANULARITY_SECONDS * 1000) {
      this.sessions.touch(idHash, TOUCH_GRANULARITY_SECONDS).catch((error: Error) => this.logger.warn(`could not record a console session's use: ${error.message}`));
    }
    return { key: session.key, expiresAt: session.expiresAt };
  }

  async end(sessionId: string): Promise<void> {
    if (SESSION_ID.test(sessionId)) await this.sessions.delete(hashOf(sessionId));
  }
}
