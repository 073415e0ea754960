import { DateTime } from 'luxon';
import { TemplateVariable } from './template-kinds';

/** What a message is about: everything its variables are made from. */
export interface MessageFacts {
  shopName: string;
  customerName: string | null;
  /** The order the message is about; null for a campaign. */
  order: { reference: string; pickupAt: Date } | null;
  /** IANA zone the times are shown in: the merchant's. */
  timezone: string;
  /** When the message goes out; decides "today" / "tomorrow". */
  now: Date;
}

/** The languages Herald has built-in texts for. */
export const BUILT_IN_LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;
export type BuiltInLanguage = (typeof BUILT_IN_LANGUAGES)[number];

/** Languages written right to left (CLDR), whose texts isolate every inserted value. */
const RIGHT_TO_LEFT = new Set(['ar', 'ckb', 'dv', 'fa', 'he', 'iw', 'ps', 'sd', 'ug', 'ur', 'yi']);

/** `fr_ca` → `fr-CA`; a tag Intl cannot read is kept lower-cased. */
export function canonicalLocale(locale: string): string {
  const tag = locale.trim().replace(/_/g, '-');
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? tag.toLowerCase();
  } catch {
    return tag.toLowerCase();
  }
}

/** Every order and message names a locale, and a deployment sees a handful: each is checked once. */
const readableLocales = new Set<string>();
const READABLE_LOCALES_REMEMBERED = 1000;

/** Whether Intl (and so Luxon) can format dates in `locale`: `ab-12` and `fr-de-de` look like tags but are not. */
export function isReadableLocale(locale: string): boolean {
  if (readableLocales.has(locale)) return true;
  try {
    Intl.getCanonicalLocales(locale.trim().replace(/_/g, '-'));
  } catch {
    return false;
  }
  if (readableLocales.size >= READABLE_LOCALES_REMEMBERED) readableLocales.clear();
  readableLocales.add(locale);
  return true;
}

/** The tag dates are formatted in: the locale, else its language, else English (for a tag stored before it was checked). */
function formattingLocale(locale: string): string {
  if (isReadableLocale(locale)) return canonicalLocale(locale);
  const language = locale.trim().split(/[-_]/)[0];
  return isReadableLocale(language) ? canonicalLocale(language) : 'en';
}

/** `fr-CA` → `fr`. */
export const languageOf = (locale: string) => canonicalLocale(locale).split('-')[0].toLowerCase();

export const isRightToLeft = (locale: string) => RIGHT_TO_LEFT.has(languageOf(locale));

/** "today at 10:00" and its kin: a built-in language says it its own way; any other lets Intl say day and time. */
const PICKUP_WHEN: Record<BuiltInLanguage, (pickup: DateTime, dayOffset: number, time: string) => string> = {
  en: (pickup, days, time) => (days === 0 ? `today at ${time}` : days === 1 ? `tomorrow at ${time}` : `on ${pickup.toFormat('cccc d LLLL')} at ${time}`),
  fr: (pickup, days, time) => (days === 0 ? `aujourd'hui à ${time}` : days === 1 ? `demain à ${time}` : `le ${pickup.toFormat('cccc d LLLL')} à ${time}`),
  es: (pickup, days, time) => (days === 0 ? `hoy a las ${time}` : days === 1 ? `mañana a las ${time}` : `el ${pickup.toFormat("cccc d 'de' LLLL")} a las ${time}`),
  ar: (pickup, days, time) => (days === 0 ? `اليوم الساعة ${time}` : days === 1 ? `غدًا الساعة ${time}` : `يوم ${pickup.toFormat('cccc d LLLL')} الساعة ${time}`),
};

const PICKUP_DATE = { weekday: 'long', day: 'numeric', month: 'long' } as const;

/** First Strong Isolate … Pop Directional Isolate (Unicode UAX #9): the value keeps its own direction and order. */
const isolate = (value: string) => (value ? `\u2068${value}\u2069` : value);

/**
 * The variables' values in `locale`, with dates and times in the merchant's zone. In a right-to-left language each
 * non-empty value is wrapped in FSI…PDI, so a Latin shop name or a reference such as `A-1042` keeps its order inside
 * Arabic text (without it, `A-1042` shows as `1042-A`), and the message's first strong character, which phones use to
 * pick its direction, stays the text's own.
 */
export function variablesFor(facts: MessageFacts, locale: string): Record<TemplateVariable, string> {
  const values: Record<TemplateVariable, string> = {
    shopName: facts.shopName,
    customerName: facts.customerName ?? '',
    reference: '',
    pickupDate: '',
    pickupTime: '',
    pickupWhen: '',
  };
  if (facts.order) {
    const tag = formattingLocale(locale);
    const pickup = DateTime.fromJSDate(facts.order.pickupAt, { zone: facts.timezone }).setLocale(tag);
    const today = DateTime.fromJSDate(facts.now, { zone: facts.timezone }).startOf('day');
    const dayOffset = Math.round(pickup.startOf('day').diff(today, 'days').days);
    const time = pickup.toLocaleString(DateTime.TIME_SIMPLE);
    const language = languageOf(tag) as BuiltInLanguage;
    values.reference = facts.order.reference;
    values.pickupDate = pickup.toLocaleString(PICKUP_DATE);
    values.pickupTime = time;
    values.pickupWhen = PICKUP_WHEN[language]?.(pickup, dayOffset, time) ?? pickup.toLocaleString({ ...PICKUP_DATE, hour: 'numeric', minute: '2-digit' });
  }
  if (!isRightToLeft(locale)) return values;
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, isolate(value)])) as Record<TemplateVariable, string>;
}
