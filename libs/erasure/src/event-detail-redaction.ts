/** Detail keys holding free text a provider (or Herald, quoting one) wrote: an error can quote the recipient. */
const FREE_TEXT_KEYS = new Set(['error', 'message']);

/** A `reason` that is one of Herald's stable codes (`opted_out`, `order_cancelled`); any other is a provider's words (a bounce's). */
const REASON_CODE = /^[a-z][a-z0-9_]*$/;

/**
 * A history event's detail without its free text (a provider's error, a bounce reason), nested ones included; codes,
 * counts, times, ids and the rest stay, so the history still says what happened and when. The same object comes back
 * when nothing in it had to go.
 */
export function redactEventDetail(detail: Record<string, unknown>): Record<string, unknown> {
  let changed = false;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    if (FREE_TEXT_KEYS.has(key) || (key === 'reason' && typeof value === 'string' && !REASON_CODE.test(value))) {
      changed = true;
      continue;
    }
    const redacted = isObject(value) ? redactEventDetail(value) : value;
    if (redacted !== value) changed = true;
    kept[key] = redacted;
  }
  return changed ? kept : detail;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
