import { DateTime } from 'luxon';

/** `pickup_moved`: the reminder planned when the pickup moved after the first reminder went out. */
export const TEMPLATE_NAMES = ['order_confirmation', 'pickup_reminder', 'pickup_moved'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export const SUPPORTED_LOCALES = ['en', 'fr'] as const;
type Locale = (typeof SUPPORTED_LOCALES)[number];

export interface TemplateContext {
  shopName: string;
  reference: string;
  customerName: string | null;
  pickupAt: Date;
  /** IANA zone the pickup time is shown in: the merchant's. */
  timezone: string;
  /** When the message goes out; decides "today" / "tomorrow". */
  now: Date;
}

export interface RenderedMessage {
  subject: string;
  body: string;
}

interface Wording {
  greeting: (name: string | null) => string;
  when: (pickup: DateTime, dayOffset: number) => string;
  texts: Record<TemplateName, (c: TemplateContext, when: string) => RenderedMessage>;
}

const WORDING: Record<Locale, Wording> = {
  en: {
    greeting: (name) => (name ? `Hi ${name}, ` : ''),
    when: (pickup, days) => {
      const time = pickup.toLocaleString(DateTime.TIME_SIMPLE);
      if (days === 0) return `today at ${time}`;
      if (days === 1) return `tomorrow at ${time}`;
      return `on ${pickup.toFormat('cccc d LLLL')} at ${time}`;
    },
    texts: {
      order_confirmation: (c, when) => ({
        subject: `${c.shopName}: order ${c.reference} confirmed`,
        body: `${WORDING.en.greeting(c.customerName)}${c.shopName} has your order ${c.reference}. Pickup ${when}.`,
      }),
      pickup_reminder: (c, when) => ({
        subject: `${c.shopName}: order ${c.reference} is ready ${when}`,
        body: `${WORDING.en.greeting(c.customerName)}your order ${c.reference} from ${c.shopName} is ready ${when}.`,
      }),
      pickup_moved: (c, when) => ({
        subject: `${c.shopName}: new pickup time for order ${c.reference}`,
        body: `${WORDING.en.greeting(c.customerName)}the pickup of your order ${c.reference} from ${c.shopName} has moved: it is now ready ${when}.`,
      }),
    },
  },
  fr: {
    greeting: (name) => (name ? `Bonjour ${name}, ` : ''),
    when: (pickup, days) => {
      const time = pickup.toLocaleString(DateTime.TIME_SIMPLE);
      if (days === 0) return `aujourd'hui à ${time}`;
      if (days === 1) return `demain à ${time}`;
      return `le ${pickup.toFormat('cccc d LLLL')} à ${time}`;
    },
    texts: {
      order_confirmation: (c, when) => ({
        subject: `${c.shopName} : commande ${c.reference} confirmée`,
        body: `${WORDING.fr.greeting(c.customerName)}${c.shopName} a bien reçu votre commande ${c.reference}. Retrait ${when}.`,
      }),
      pickup_reminder: (c, when) => ({
        subject: `${c.shopName} : commande ${c.reference} prête ${when}`,
        body: `${WORDING.fr.greeting(c.customerName)}votre commande ${c.reference} chez ${c.shopName} sera prête ${when}.`,
      }),
      pickup_moved: (c, when) => ({
        subject: `${c.shopName} : nouvel horaire de retrait pour la commande ${c.reference}`,
        body: `${WORDING.fr.greeting(c.customerName)}le retrait de votre commande ${c.reference} chez ${c.shopName} a changé : elle sera prête ${when}.`,
      }),
    },
  },
};

/** `fr-CA` → `fr`; anything unsupported → `en`. */
export function resolveLocale(locale: string | null | undefined): Locale {
  const language = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return (SUPPORTED_LOCALES as readonly string[]).includes(language) ? (language as Locale) : 'en';
}

/** Renders a built-in template in the customer's language, with times in the merchant's zone. */
export function renderTemplate(template: TemplateName, locale: string, context: TemplateContext): RenderedMessage {
  const language = resolveLocale(locale);
  const wording = WORDING[language];
  const pickup = DateTime.fromJSDate(context.pickupAt, { zone: context.timezone }).setLocale(locale);
  const today = DateTime.fromJSDate(context.now, { zone: context.timezone }).startOf('day');
  const dayOffset = Math.round(pickup.startOf('day').diff(today, 'days').days);
  const when = wording.when(pickup, dayOffset);
  return wording.texts[template](context, when);
}
