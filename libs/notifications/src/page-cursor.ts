import { DomainError } from '@herald/errors';

export interface PageCursor {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Rows are created now: a sort key outside these years was not written by Herald (and Postgres may not hold it). */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(10_000, 0, 1);

/** Opaque to clients: base64url of the last row's sort key. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

/** The sort key in `text`, checked as what it must be (an ISO instant in a sane range, a uuid); else 400 `invalid_cursor`. */
export function decodeCursor(text: string): PageCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidPageCursor();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalidPageCursor();
  const [createdAt, id] = decoded as unknown[];
  if (typeof createdAt !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw invalidPageCursor();
  const date = new Date(createdAt);
  const time = date.getTime();
  if (Number.isNaN(time) || time < EARLIEST || time >= LATEST) throw invalidPageCursor();
  return { createdAt: date, id };
}

/** What a listed row is sorted by: its creation time, then its id. */
type SortKey = { createdAt: Date | string; id: string };

/**
 * A page of a list read with one row more than asked for (`limit + 1`): its first `limit` rows, and the cursor after the
 * last of them when there is more. `keyOf` gives a row's sort key (default: the row's own `createdAt` and `id`).
 */
export function pageOf<Row>(rows: Row[], limit: number, keyOf: (row: Row) => SortKey = (row) => row as SortKey): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  if (rows.length <= limit || last === undefined) return { page, nextCursor: null };
  const key = keyOf(last);
  return { page, nextCursor: encodeCursor({ createdAt: new Date(key.createdAt), id: key.id }) };
}

const invalidPageCursor = () => new DomainError('invalid', 'invalid_cursor', 'cursor is not one this API returned');
