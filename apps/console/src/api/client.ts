import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.gen';

/*
 * The one way the console talks to Herald: a client typed from Herald's own OpenAPI document (schema.gen.ts, made by
 * `npm run console:api-types`). Same origin, so the session cookie goes with every request and nothing else does.
 */

export type Schemas = components['schemas'];
export type ApiError = Schemas['Error'];

export const api = createClient<paths>({ baseUrl: location.origin });

const sessionEndedListeners = new Set<() => void>();

/** Called when any request answers 401: the session ended (signed out elsewhere, expired, or its key revoked). */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

const watchSession: Middleware = {
  onResponse({ response, request }) {
    if (response.status === 401 && !request.headers.has('authorization')) for (const listener of sessionEndedListeners) listener();
  },
};
api.use(watchSession);

/** The answer's data, or throws its error body (a stable `code` and a `message`) for the page to show. */
export async function expectData<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || data === undefined) throw asApiError(error, response);
  return data;
}

/** Same, for answers without a body (204). */
export async function expectOk(call: Promise<{ error?: unknown; response: Response }>): Promise<void> {
  const { error, response } = await call;
  if (!response.ok) throw asApiError(error, response);
}

export class ApiFailure extends Error {
  constructor(readonly body: ApiError) {
    super(body.message);
  }
}

function asApiError(error: unknown, response: Response): ApiFailure {
  const body = error as Partial<ApiError> | undefined;
  if (body && typeof body.code === 'string') return new ApiFailure(body as ApiError);
  return new ApiFailure({ statusCode: response.status, code: 'internal_error', message: response.statusText } as ApiError);
}
