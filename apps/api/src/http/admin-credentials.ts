import type { Request, Response } from 'express';
import { AdminAccess, AdminAccessRefused, AdminRole, isReadOnlyMethod } from '@herald/admin-access';
import { DomainError } from '@herald/errors';

/** The address admin failures count against: the peer, or what TRUST_PROXY's proxies say the client is. */
const clientAddress = (request: Request) => request.ip ?? request.socket.remoteAddress ?? 'unknown';

/** Awaits an access check; a refusal leaves its headers (the Basic challenge, Retry-After) on the answer. */
async function withRefusalHeaders<T>(response: Response, check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (error) {
    if (error instanceof AdminAccessRefused) response.set(error.headers);
    throw error;
  }
}

/** Lets the admin do anything and the read-only operator only read; throws the 401, 403 or 429 otherwise. */
export async function authorizeAdmin(request: Request, response: Response, access: AdminAccess): Promise<AdminRole> {
  const role = await withRefusalHeaders(response, access.authenticate(request.headers.authorization, clientAddress(request)));
  if (role === 'read-only' && !isReadOnlyMethod(request.method)) {
    throw new DomainError('forbidden', 'admin_read_only', 'these credentials can look at /admin but not change anything');
  }
  return role;
}

/** METRICS_AUTH for /metrics on the API's port; throws the 401 or 429. */
export async function authorizeMetrics(request: Request, response: Response, access: AdminAccess): Promise<void> {
  await withRefusalHeaders(response, access.authorizeMetrics(request.headers.authorization, clientAddress(request)));
}
