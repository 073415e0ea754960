import { timingSafeEqual } from 'node:crypto';
import type { HeraldConfig } from '@herald/config';

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** True when the Authorization header carries the admin's Basic credentials (or no admin is configured: local use). */
export function isAdmin(authorization: string | undefined, admin: HeraldConfig['admin']): boolean {
  if (!admin) return true;
  const match = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return sameText(decoded.slice(0, colon), admin.user) && sameText(decoded.slice(colon + 1), admin.password);
}

export const ADMIN_REALM = 'Basic realm="Herald admin", charset="UTF-8"';
