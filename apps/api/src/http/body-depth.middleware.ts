import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '@herald/errors';

/** No Herald request nests deeper than a few levels; 32 leaves room and keeps every later walk of a body shallow. */
export const MAX_BODY_DEPTH = 32;

/** Whether `value` nests objects or arrays more than `maxDepth` levels deep (`{}` and `[]` are one level). */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length) {
    const { value: current, depth } = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const item of Object.values(current)) if (item !== null && typeof item === 'object') pending.push({ value: item, depth: depth + 1 });
  }
  return false;
}

/**
 * Refuses a parsed body nested deeper than `maxDepth` with 400 `body_too_deep`, before any validation, hash or log
 * walks it. JSON.parse itself does not recurse, so the body parsers before this one are safe at any depth.
 */
export function refuseDeepBodies(maxDepth = MAX_BODY_DEPTH) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    if (!nestsDeeperThan(request.body, maxDepth)) return next();
    next(new DomainError('invalid', 'body_too_deep', `the body nests more than ${maxDepth} levels of objects or arrays`));
  };
}
