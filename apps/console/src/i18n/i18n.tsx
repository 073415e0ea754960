import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { formatMessage, type MessageValues } from './format';
import { ar } from './messages/ar';
import { en, type MessageKey } from './messages/en';
import { es } from './messages/es';
import { fr } from './messages/fr';

/*
 * Every text of the console comes from a catalogue (messages/en.ts, fr.ts, es.ts, ar.ts), each typed to hold exactly
 * English's keys, so a text missing in one language fails the build. The language sets the document's
 * `lang` and `dir`, so Arabic pages run right to left through CSS logical properties, with no per-component flips.
 * Dates and times are shown in the merchant's time zone, in the reader's own locale for the language.
 */

export const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];
const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en, fr, es, ar };
const RIGHT_TO_LEFT = new Set<Language>(['ar']);
/** The reader's choice of language: not a secret, so it may stay in the browser. */
const LANGUAGE_STORAGE = 'herald.console.language';

export type Translate = (key: MessageKey, values?: MessageValues) => string;

export interface I18n {
  language: Language;
  /** The locale dates and numbers are written in: the reader's own for this language (`en-GB`), else the language. */
  locale: string;
  t: Translate;
  /** `iso` in the merchant's time zone: `dateTime` (Tue 8 Dec, 10:00), `time`, `date`, `weekdayTime` (Tuesday 10:00). */
  format: (iso: string | Date, style?: DateStyle) => string;
  /** A calendar day as the merchant counts them (`2026-11-21`, no time, no zone to convert): Saturday 21 November 2026. */
  formatDay: (day: string) => string;
  timeZone: string;
  setLanguage: (language: Language) => void;
  setTimeZone: (timeZone: string) => void;
}

export type DateStyle = 'dateTime' | 'time' | 'date' | 'weekdayTime' | 'full';

const DATE_STYLES: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  dateTime: { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  time: { hour: '2-digit', minute: '2-digit' },
  date: { weekday: 'long', day: 'numeric', month: 'long' },
  weekdayTime: { weekday: 'long', hour: '2-digit', minute: '2-digit' },
  full: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' },
};

/** A day is a date on the calendar, not an instant: written as it is, read at midnight UTC in UTC. */
const DAY_STYLE: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' };

function initialLanguage(): Language {
  const stored = localStorage.getItem(LANGUAGE_STORAGE);
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  for (const tag of navigator.languages) {
    const language = tag.split('-')[0] as Language;
    if (LANGUAGES.includes(language)) return language;
  }
  return 'en';
}

function readerLocale(language: Language): string {
  return navigator.languages.find((tag) => tag.split('-')[0] === language) ?? language;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const [timeZone, setTimeZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone);

  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dir = RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
  }, [language]);

  const value = useMemo<I18n>(() => {
    const locale = readerLocale(language);
    const catalogue = CATALOGUES[language];
    const isolate = RIGHT_TO_LEFT.has(language);
    const formats = new Map<DateStyle, Intl.DateTimeFormat>();
    const formatter = (style: DateStyle) => {
      let format = formats.get(style);
      if (!format) {
        format = new Intl.DateTimeFormat(locale, { ...DATE_STYLES[style], timeZone });
        formats.set(style, format);
      }
      return format;
    };
    const dayFormat = new Intl.DateTimeFormat(locale, DAY_STYLE);
    return {
      language,
      locale,
      timeZone,
      t: (key, values) => formatMessage(catalogue[key] ?? en[key] ?? key, values, locale, { isolate }),
      format: (iso, style = 'dateTime') => formatter(style).format(typeof iso === 'string' ? new Date(iso) : iso),
      formatDay: (day) => dayFormat.format(new Date(`${day}T00:00:00Z`)),
      setLanguage: (next) => {
        localStorage.setItem(LANGUAGE_STORAGE, next);
        setLanguageState(next);
      },
      setTimeZone,
    };
  }, [language, timeZone]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
