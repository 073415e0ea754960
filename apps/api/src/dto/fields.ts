import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { isReadableLocale, VARIABLE_MAX_LENGTH } from '@herald/messages';
import { canonicalTimeZone, isPositiveIsoDuration } from '@herald/scheduling';
import { exampleInstant } from './examples';

/*
 * Request fields, validated and documented by the same schema. Each carries a generic description and example; a
 * request schema adds what the field means there with `.meta({ description })`, which keeps the example.
 */

/** A phone number in E.164, normalised (spaces and dashes removed); numbers that cannot exist are refused. */
export const phoneField = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const phone = value.startsWith('+') ? parsePhoneNumberFromString(value) : undefined;
    if (!phone?.isValid()) {
      ctx.addIssue({ code: 'custom', message: 'must be a valid phone number in E.164 format, e.g. +33612345678' });
      return z.NEVER;
    }
    return phone.number as string;
  })
  .meta({ type: 'string', description: 'Phone number in E.164 format (a number that cannot exist is refused).', example: '+33612345678' });

export const emailField = z
  .email()
  .max(254)
  .transform((value) => value.toLowerCase())
  .meta({ description: 'Email address (stored lower-cased).', example: 'ada@example.com' });

/** Instants whose year Postgres and ISO 8601's four digits both hold (`0000-01-01T00:00:00Z` is neither). */
const EARLIEST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const LATEST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/** ISO 8601 instant with an explicit offset (`2026-11-23T10:00:00+01:00` or `...Z`), in the years 0001 to 9999 (UTC). */
export const instantField = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 instant with an offset, e.g. 2026-11-23T10:00:00+01:00' })
  .refine((value) => {
    const time = Date.parse(value);
    return time >= EARLIEST_INSTANT && time <= LATEST_INSTANT;
  }, 'must lie in the years 0001 to 9999 (UTC)')
  .transform((value) => new Date(value))
  .meta({ description: 'ISO 8601 with an offset.', example: exampleInstant(7, 10) });

/** Positive ISO 8601 duration (`P1D`, `PT2H`, `PT5S`). */
export const durationField = z
  .string()
  .trim()
  .refine(isPositiveIsoDuration, 'must be a positive ISO 8601 duration, e.g. P1D or PT2H')
  .meta({ description: 'Positive ISO 8601 duration, e.g. P1D or PT2H.', example: 'PT2H' });

/** An IANA time zone, spelled as Intl spells it (`europe/paris` → `Europe/Paris`). */
export const timezoneField = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const zone = canonicalTimeZone(value);
    if (zone) return zone;
    ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone, e.g. Europe/Paris' });
    return z.NEVER;
  })
  .meta({ type: 'string', description: 'IANA time zone.', example: 'Europe/Paris' });

/** BCP 47 language tag such as `fr` or `en-GB`. */
export const localeField = z
  .string()
  .trim()
  .regex(/^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$/, 'must be a language tag such as fr or en-GB')
  .refine(isReadableLocale, 'must be a language tag such as fr or en-GB')
  .meta({ description: 'Language tag (BCP 47): `en`, `fr`, `es` and `ar` have built-in texts; any tag can have your templates.', example: 'fr' });

export const uuidField = z.uuid();

/*
 * The values templates insert, no longer than template bounds count them (VARIABLE_MAX_LENGTH): a longer one would make
 * a template the API accepted render past its channel's maximum, and the send fail.
 */
export const shopNameField = z.string().trim().min(1).max(VARIABLE_MAX_LENGTH.shopName);
export const customerNameField = z.string().trim().min(1).max(VARIABLE_MAX_LENGTH.customerName);
export const referenceField = z.string().trim().min(1).max(VARIABLE_MAX_LENGTH.reference);

/*
 * Query-string fields. A `+` left unencoded in a URL (`?phone=+33…`, `?createdFrom=…T10:00:00+01:00`) arrives as a
 * space: these read it back as the `+` it was.
 */

/** An instant in a query string: ISO 8601 with an offset. */
export const queryInstantField = z
  .string()
  .transform((value) => value.trim().replace(/ (\d{2}(:?\d{2})?)$/, '+$1'))
  .pipe(instantField)
  .meta({ type: 'string', format: 'date-time', description: 'ISO 8601 with an offset.', example: exampleInstant(0, 0) });

/** A phone number in a query string, in any international format (`+33 6 12-34-56-78`, `0033612345678`), read as E.164. */
export const queryPhoneField = z
  .string()
  .transform((value) => {
    const digits = value.trim().replace(/[\s().-]/g, '');
    return digits.startsWith('00') ? `+${digits.slice(2)}` : digits.startsWith('+') ? digits : `+${digits}`;
  })
  .pipe(phoneField)
  .meta({ type: 'string', description: 'Phone number, international (E.164, with or without spaces).', example: '+33612345678' });

/** Each `[from, to]` range (from inclusive, to exclusive) must not be empty when both ends are given. */
export const rangesInOrder =
  (...pairs: [from: string, to: string][]) =>
  (query: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [from, to] of pairs) {
      const start = query[from];
      const end = query[to];
      if (start instanceof Date && end instanceof Date && start >= end) ctx.addIssue({ code: 'custom', path: [to], message: `${to} must be after ${from}` });
    }
  };

const PAGE_LIMIT = z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Page size, 1 to 200.', example: 50 });
const PAGE_CURSOR = z.string().min(1).max(500).optional().meta({ description: 'The `nextCursor` of the previous page.', example: 'WyIyMDI2LTExLTMwVDE2OjIwOjAwLjAwMFoiLCIzZjBjIl0' });

/** Paging of a list route: `limit` and the previous page's `cursor`. */
export const pageFields = { limit: PAGE_LIMIT, cursor: PAGE_CURSOR };
