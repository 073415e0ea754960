import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HeraldConfig } from '@herald/config';

/** `admin` changes things; `read-only` (ADMIN_READONLY_USER) only looks. */
export type AdminRole = 'admin' | 'read-only';

type Credentials = { user: string; password: string };

export type AdminCredentialsConfig = Pick<HeraldConfig, 'admin' | 'adminReadOnly'>;

/** Keys the digests below; new each process, so a digest says nothing outside it. */
const DIGEST_KEY = randomBytes(32);
const digest = (text: string) => createHmac('sha256', DIGEST_KEY).update(text, 'utf8').digest();

/**
 * Compares digests, which all have one length, so the time taken says neither how long the expected text is nor how
 * much of it was guessed right.
 */
const sameText = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/** Both parts are always compared, so a right user name with a wrong password takes as long as anything else. */
function matches(given: Credentials, expected: Credentials | null): boolean {
  if (!expected) return false;
  const user = sameText(given.user, expected.user);
  const password = sameText(given.password, expected.password);
  return user && password;
}

function basicCredentials(authorization: string | undefined): Credentials | null {
  const match = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Who the Authorization header's Basic credentials belong to, or null. With no admin configured (local use), everyone
 * is the admin.
 */
export function adminRole(authorization: string | undefined, config: AdminCredentialsConfig): AdminRole | null {
  if (!config.admin) return 'admin';
  const given = basicCredentials(authorization);
  if (!given) return null;
  // Both pairs are compared whichever matches, so the time taken does not tell a read-only user name from the admin's.
  const admin = matches(given, config.admin);
  const readOnly = matches(given, config.adminReadOnly);
  return admin ? 'admin' : readOnly ? 'read-only' : null;
}

/** Methods that read; everything else under /admin changes something. */
export const isReadOnlyMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

export const ADMIN_REALM = 'Basic realm="Herald admin", charset="UTF-8"';

/**
 * METRICS_AUTH, the one rule for every `/metrics` (the API's, on PORT or METRICS_PORT, and each worker's): `none` lets
 * anyone read; `admin` wants the admin's or the read-only operator's Basic credentials (Prometheus `basic_auth`).
 */
export const canReadMetrics = (authorization: string | undefined, config: AdminCredentialsConfig & Pick<HeraldConfig, 'metrics'>) =>
  config.metrics.auth === 'none' || adminRole(authorization, config) !== null;
