import { BUILT_IN_KINDS, BUILT_IN_TEXTS, BuiltInKind, builtInLanguageOf, canonicalLocale, languageOf, MessageText, TemplateKind } from '@herald/messages';
import type { Channel, MessageTemplateEntity } from '@herald/persistence';

/** What a message asks for: a kind, a channel, the customer's language and the merchant's. */
export interface TextRequest {
  kind: TemplateKind;
  channel: Channel;
  locale: string;
  defaultLocale: string;
}

/** The text chosen, and the locale to say dates and times in. */
export interface ChosenText {
  text: MessageText;
  locale: string;
  source: 'merchant' | 'built_in';
}

/** A tag and its language (`fr-CA`, `fr`): a template in `fr` serves a `fr-CA` customer, not the other way round. */
export const localesServing = (locale: string) => [...new Set([canonicalLocale(locale), languageOf(locale)])];

/** Every locale a request may be served in, for one query. */
export const candidateLocales = ({ locale, defaultLocale }: Pick<TextRequest, 'locale' | 'defaultLocale'>) => [
  ...new Set([...localesServing(locale), ...localesServing(defaultLocale)]),
];

const isBuiltIn = (kind: TemplateKind): kind is BuiltInKind => (BUILT_IN_KINDS as readonly string[]).includes(kind);

/** The built-in subject of the kind, in the language or English; a campaign's email is subject-less without one. */
function fallbackSubject(kind: TemplateKind, locale: string): string {
  if (!isBuiltIn(kind)) return '{{shopName}}';
  return BUILT_IN_TEXTS[builtInLanguageOf(locale) ?? 'en'][kind].subject;
}

/**
 * Which text a message uses, first match wins:
 * 1. the merchant's template in the customer's locale (its exact tag, then its language; a channel's own template
 *    before the one for every channel);
 * 2. Herald's built-in text in the customer's language;
 * 3. and 4. the same for the merchant's `defaultLocale`;
 * 5. Herald's English text. A campaign has no built-in text: null when the merchant has no template for it.
 * An email template without a subject borrows the built-in one.
 */
export function chooseText(request: TextRequest, templates: MessageTemplateEntity[]): ChosenText | null {
  const matching = templates.filter((t) => t.kind === request.kind && (t.channel === null || t.channel === request.channel));
  for (const locale of [request.locale, request.defaultLocale]) {
    for (const tag of localesServing(locale)) {
      const own = matching.find((t) => t.locale === tag && t.channel !== null) ?? matching.find((t) => t.locale === tag);
      if (own) {
        const subject = request.channel === 'email' ? (own.subject ?? fallbackSubject(request.kind, locale)) : null;
        return { text: { subject, body: own.body }, locale, source: 'merchant' };
      }
    }
    const language = builtInLanguageOf(locale);
    if (language && isBuiltIn(request.kind)) return { text: BUILT_IN_TEXTS[language][request.kind], locale, source: 'built_in' };
  }
  return isBuiltIn(request.kind) ? { text: BUILT_IN_TEXTS.en[request.kind], locale: 'en', source: 'built_in' } : null;
}
