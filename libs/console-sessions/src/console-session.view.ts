import { z } from 'zod';
import { API_KEY_SCOPES } from '@herald/persistence';
import { CONSOLE_SESSION_IDLE_SECONDS } from './console-sessions.service';

export const consoleSessionView = z
  .object({
    merchant: z
      .object({
        id: z.uuid().meta({ description: 'The merchant id.', example: '5d7e9f1a-3b2c-4d6e-8f0a-1b3c5d7e9f2a' }),
        name: z.string().meta({ description: 'The shop’s name.', example: 'Boulangerie Lune' }),
      })
      .meta({ description: 'Whose data the session reads and changes.' }),
    scope: z.enum(API_KEY_SCOPES).meta({ description: 'The scope of the key the session acts with: `read` sessions change nothing.', example: 'full' }),
    keyName: z.string().meta({ description: 'The name of that key.', example: 'initial' }),
    expiresAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When the session ends whatever happens (12 hours after sign-in); null when the request came with an API key, not a session.', example: '2026-12-07T21:00:00.000Z' }),
    idleTimeoutSeconds: z
      .number()
      .int()
      .meta({ description: 'A session also ends after this many seconds without a request.', example: CONSOLE_SESSION_IDLE_SECONDS }),
  })
  .meta({ id: 'ConsoleSession', description: 'Who the console (or an API key) acts as, with what scope, and until when.' });
export type ConsoleSessionView = z.infer<typeof consoleSessionView>;

export function toConsoleSessionView(merchant: { id: string; name: string }, key: { name: string; scope: ConsoleSessionView['scope'] }, expiresAt: Date | null): ConsoleSessionView {
  return {
    merchant: { id: merchant.id, name: merchant.name },
    scope: key.scope,
    keyName: key.name,
    expiresAt: expiresAt?.toISOString() ?? null,
    idleTimeoutSeconds: CONSOLE_SESSION_IDLE_SECONDS,
  };
}
