import { BUILT_IN_TEXTS, builtInLanguageOf, MessageText } from './built-in-texts';
import { MessageFacts, variablesFor } from './message-variables';
import { BuiltInKind } from './template-kinds';
import { renderTemplateText } from './template-engine';

/** The built-in texts a one-off message can name (`POST /v1/notifications` `template.name`), and the kind of each. */
export const TEMPLATE_NAMES = ['order_confirmation', 'pickup_reminder', 'pickup_moved'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export const KIND_OF_TEMPLATE_NAME: Record<TemplateName, BuiltInKind> = {
  order_confirmation: 'confirmation',
  pickup_reminder: 'reminder',
  pickup_moved: 'reminder_moved',
};

export interface RenderedMessage {
  /** Null when the text has none (an SMS, or a template without one). */
  subject: string | null;
  body: string;
}

/** A text rendered in `locale`: the values say dates and times that language's way, in the merchant's zone. */
export function renderMessage(text: MessageText, facts: MessageFacts, locale: string): RenderedMessage {
  const values = variablesFor(facts, locale);
  return { subject: text.subject === null ? null : renderTemplateText(text.subject, values), body: renderTemplateText(text.body, values) };
}

/** Herald's text of `kind` in the locale's language, or in English (and its locale) when Herald does not speak it. */
export function builtInText(kind: BuiltInKind, locale: string): { text: MessageText; locale: string } {
  const language = builtInLanguageOf(locale);
  return language ? { text: BUILT_IN_TEXTS[language][kind], locale } : { text: BUILT_IN_TEXTS.en[kind], locale: 'en' };
}
