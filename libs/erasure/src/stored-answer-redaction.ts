import type { ErasureSubject } from '@herald/persistence';
import { ERASED_RECIPIENT } from '@herald/notifications';
import { redactEventDetail } from './event-detail-redaction';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/**
 * An answer the API stored for an Idempotency-Key replay, as the erasure leaves it: the customer (known by its id)
 * without its name and contacts, its notifications as erased ones read (no recipient, text or provider error, their
 * history without free text), and any other mention of one of its contacts gone. Everything else, ids, statuses and
 * times included, stays. The same value comes back when nothing in it had to go.
 */
export function redactStoredAnswer(answer: unknown, subject: ErasureSubject): unknown {
  return redact(answer as Json, subject);
}

function redact(value: Json, subject: ErasureSubject): Json {
  if (typeof value === 'string') return subject.contacts.has(value.toLowerCase()) ? null : value;
  if (Array.isArray(value)) return sameIfUnchanged(value, value.map((item) => redact(item, subject)));
  if (value === null || typeof value !== 'object') return value;
  if (value.id === subject.customerId) return withFields(value, { name: null, phone: null, email: null }, subject);
  if (typeof value.id === 'string' && subject.notificationIds.has(value.id)) {
    const events = Array.isArray(value.events) ? sameIfUnchanged(value.events, value.events.map(redactEvent)) : value.events;
    return withFields(value, { to: ERASED_RECIPIENT, body: null, subject: null, lastError: null, events }, subject);
  }
  return withFields(value, {}, subject);
}

/** `value` with `fields` set (those it has), and its other fields redacted in turn. */
function withFields(value: JsonObject, fields: JsonObject, subject: ErasureSubject): JsonObject {
  let changed = false;
  const next: JsonObject = {};
  for (const [key, field] of Object.entries(value)) {
    next[key] = key in fields ? (field === null ? null : fields[key]) : redact(field, subject);
    if (next[key] !== field) changed = true;
  }
  return changed ? next : value;
}

function redactEvent(event: Json): Json {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return event;
  const detail = event.detail;
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return event;
  const redacted = redactEventDetail(detail) as JsonObject;
  return redacted === detail ? event : { ...event, detail: redacted };
}

function sameIfUnchanged(before: Json[], after: Json[]): Json[] {
  return after.some((item, index) => item !== before[index]) ? after : before;
}
