import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { HeraldConfig } from '@herald/config';
import { DomainError } from '@herald/errors';

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** `admin` changes things; `read-only` (ADMIN_READONLY_USER) only looks. */
export type AdminRole = 'admin' | 'read-only';

type Credentials = { user: string; password: string } | null;

function basicCredentials(authorization: string | undefined): { user: string; password: string } | null {
  const match = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const matches = (given: { user: string; password: string }, expected: Credentials) =>
  expected !== null && sameText(given.user, expected.user) && sameText(given.password, expected.password);

/**
 * Who the Authorization header's Basic credentials belong to, or null. With no admin configured (local use), everyone
 * is the admin.
 */
export function adminRole(authorization: string | undefined, config: Pick<HeraldConfig, 'admin' | 'adminReadOnly'>): AdminRole | null {
  if (!config.admin) return 'admin';
  const given = basicCredentials(authorization);
  if (!given) return null;
  if (matches(given, config.admin)) return 'admin';
  if (matches(given, config.adminReadOnly)) return 'read-only';
  return null;
}

/** Methods that read; everything else under /admin changes something. */
export const isReadOnlyMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

export const ADMIN_REALM = 'Basic realm="Herald admin", charset="UTF-8"';

/** 401 with the Basic challenge, so a browser asks for the credentials. */
export function adminAuthRequired(response: Response): DomainError {
  response.setHeader('WWW-Authenticate', ADMIN_REALM);
  return new DomainError('unauthorized', 'admin_auth_required', 'admin credentials are required');
}

/** Lets the admin do anything and the read-only operator only read; throws the 401 or 403 otherwise. */
export function authorizeAdmin(request: Request, response: Response, config: Pick<HeraldConfig, 'admin' | 'adminReadOnly'>): AdminRole {
  const role = adminRole(request.headers.authorization, config);
  if (!role) throw adminAuthRequired(response);
  if (role === 'read-only' && !isReadOnlyMethod(request.method)) {
    throw new DomainError('forbidden', 'admin_read_only', 'these credentials can look at /admin but not change anything');
  }
  return role;
}
