/**
 * Text Postgres cannot store as it was sent: NUL, which no `text` or `jsonb` value may hold, and an unpaired UTF-16
 * surrogate (a `\ud800` escape in JSON), which has no UTF-8 form and would be stored as U+FFFD.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain NUL (\\u0000) or unpaired surrogate characters';

/** Reported per request at most this many; one is enough to refuse it. */
const MAX_REPORTED = 10;

/** A value still to look at, and how it was reached: the path is spelled only for what is reported. */
interface Visit {
  value: unknown;
  key: string | number | null;
  parent: Visit | null;
}

const pathOf = (visit: Visit): string => {
  const keys: (string | number)[] = [];
  for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
};

/**
 * The paths (`customer.name`, `audience.customerIds.3`) of the strings in `value`, object keys included, that Postgres
 * cannot store. Walks with an explicit stack: a body's depth costs no call stack.
 */
export function unstorableStringPaths(value: unknown): string[] {
  const found: string[] = [];
  const pending: Visit[] = [{ value, key: null, parent: null }];
  while (pending.length && found.length < MAX_REPORTED) {
    const visit = pending.pop()!;
    const current = visit.value;
    if (typeof current === 'string') {
      if (UNSTORABLE.test(current)) found.push(pathOf(visit));
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, key: index, parent: visit }));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (UNSTORABLE.test(key)) found.push(pathOf({ value: item, key, parent: visit }));
        else pending.push({ value: item, key, parent: visit });
      }
    }
  }
  return found.slice(0, MAX_REPORTED);
}
