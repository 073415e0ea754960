import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DomainError, notFound } from '@herald/errors';
import {
  BUILT_IN_KINDS,
  BUILT_IN_LANGUAGES,
  BUILT_IN_TEXTS,
  canonicalLocale,
  longestRendering,
  MessageFacts,
  RenderedMessage,
  renderedMaxOf,
  renderMessage,
  smsSizeOf,
  TextChannel,
  TemplateKind,
  TemplateVariable,
  validateTemplate,
  variablesFor,
  VARIABLES_OF_KIND,
} from '@herald/messages';
import { Channel, MerchantEntity, MessageTemplateEntity, MessageTemplateRepository } from '@herald/persistence';
import { candidateLocales, chooseText, localesServing } from './template-choice';
import { TemplatePreviewView, TemplateView, toTemplateView } from './template.view';

/** Where a template sits: `channel` null is the template for every channel. */
export interface TemplateAddress {
  kind: TemplateKind;
  locale: string;
  channel: Channel | null;
}

export interface TemplateInput {
  subject: string | null;
  body: string;
  /** WhatsApp only: the approved Twilio Content template, and the variables filling its `{{1}}`, `{{2}}`… in order. */
  content?: { sid: string; variables: TemplateVariable[] } | null;
}

/** A WhatsApp template message as Twilio's Content API takes it: its SID, and `ContentVariables` keyed `"1"`, `"2"`…. */
export interface WhatsAppTemplateMessage {
  sid: string;
  variables: Record<string, string>;
}

/** A message to render: whose, what kind, on which channel, in which language, about whom and which order. */
export interface RenderRequest {
  merchant: Pick<MerchantEntity, 'id' | 'name' | 'timezone' | 'defaultLocale'>;
  kind: TemplateKind;
  channel: Channel;
  locale: string;
  customerName: string | null;
  /** The order the message is about; null for a campaign. */
  order: { reference: string; pickupAt: Date } | null;
  /** When it goes out: decides "today" and "tomorrow". */
  now: Date;
}

/**
 * How long the worker keeps a merchant's templates for one kind, channel and set of languages: a burst of sends
 * reads them once, not once a send. A template saved or deleted through another process applies within this long.
 */
export const TEMPLATE_CACHE_MS = 1000;
const TEMPLATE_CACHE_LIMIT = 10_000;

/** What a preview renders with: a customer Ada, order A-1042, picked up tomorrow at 10:00 merchant time. */
const SAMPLE_CUSTOMER = 'Ada';
const SAMPLE_REFERENCE = 'A-1042';

/**
 * Merchants' own texts: saved only once they parse and use known variables, rendered at send time in the customer's
 * language (see chooseText for which text wins), with Herald's built-in texts as the fallback.
 */
@Injectable()
export class TemplatesService {
  private readonly recentCandidates = new Map<string, { until: number; templates: Promise<MessageTemplateEntity[]> }>();

  constructor(private readonly templates: MessageTemplateRepository) {}

  async list(merchant: MerchantEntity, filter: { kind?: TemplateKind; locale?: string }): Promise<TemplateView[]> {
    const rows = await this.templates.list(merchant.id, { kind: filter.kind, locale: filter.locale && canonicalLocale(filter.locale) });
    return rows.map(toTemplateView);
  }

  async get(merchant: MerchantEntity, address: TemplateAddress): Promise<TemplateView> {
    const template = await this.templates.find(this.key(merchant, address));
    if (!template) throw notFound('template');
    return toTemplateView(template);
  }

  /**
   * Creates or replaces the template; a syntax error or an unknown variable is refused with its position, a text that
   * could render longer than its channel allows with `template_too_long` (a template for every channel serves SMS).
   */
  async put(merchant: MerchantEntity, address: TemplateAddress, input: TemplateInput): Promise<{ template: TemplateView; created: boolean }> {
    const channel = address.channel ?? 'sms';
    validateField(address.kind, 'body', input.body, channel);
    if (input.subject !== null) validateField(address.kind, 'subject', input.subject, 'email');
    if (input.content) validateContent(address, input.content);
    const { template, created } = await this.templates.put(this.key(merchant, address), {
      subject: input.subject,
      body: input.body,
      contentSid: input.content?.sid ?? null,
      contentVariables: input.content?.variables ?? null,
    });
    this.forget(merchant.id);
    return { template: toTemplateView(template), created };
  }

  async delete(merchant: MerchantEntity, address: TemplateAddress): Promise<void> {
    const deleted = await this.templates.delete(this.key(merchant, address));
    this.forget(merchant.id);
    if (!deleted) throw notFound('template');
  }

  /** Herald's own texts, for a merchant to start from. */
  builtInTexts(): { kind: TemplateKind; locale: string; subject: string; body: string }[] {
    return BUILT_IN_LANGUAGES.flatMap((locale) => BUILT_IN_KINDS.map((kind) => ({ kind, locale, ...BUILT_IN_TEXTS[locale][kind] })));
  }

  /**
   * Renders a text (validated like a saved one, its length bound included, so what renders here is never longer than a
   * message may be) with sample values; for SMS, says how it travels.
   */
  preview(merchant: MerchantEntity, request: { kind: TemplateKind; locale: string; channel: Channel; body: string; subject?: string }, now = new Date()): TemplatePreviewView {
    validateField(request.kind, 'body', request.body, request.channel);
    if (request.subject !== undefined) validateField(request.kind, 'subject', request.subject, 'email');
    const tomorrowAtTen = DateTime.fromJSDate(now, { zone: merchant.timezone }).plus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const facts: MessageFacts = {
      shopName: merchant.name,
      customerName: SAMPLE_CUSTOMER,
      order: request.kind === 'campaign' ? null : { reference: SAMPLE_REFERENCE, pickupAt: tomorrowAtTen.toJSDate() },
      timezone: merchant.timezone,
      now,
    };
    const subject = request.channel === 'email' ? (request.subject ?? null) : null;
    const rendered = renderMessage({ subject, body: request.body }, facts, request.locale);
    const size = request.channel === 'sms' ? smsSizeOf(rendered.body) : null;
    return { text: rendered.body, subject: rendered.subject, encoding: size?.encoding ?? null, segments: size?.segments ?? null };
  }

  /**
   * The text of a message, rendered: the merchant's template for its kind, channel and language if there is one, else
   * Herald's built-in text (see chooseText). A campaign with no template in either the customer's language or the
   * merchant's answers `template_not_found`. This is what the worker renders every notification with at send time.
   */
  async render(request: RenderRequest): Promise<RenderedMessage> {
    const { merchant, kind, channel } = request;
    const textRequest = { kind, channel, locale: request.locale, defaultLocale: merchant.defaultLocale };
    const candidates = await this.candidates(merchant.id, kind, candidateLocales(textRequest), channel);
    const chosen = chooseText(textRequest, candidates);
    if (!chosen) throw new DomainError('not_found', 'template_not_found', `no ${kind} template in ${request.locale} or ${merchant.defaultLocale}`);
    const facts: MessageFacts = { shopName: merchant.name, customerName: request.customerName, order: request.order, timezone: merchant.timezone, now: request.now };
    return renderMessage(chosen.text, facts, chosen.locale);
  }

  /**
   * The approved WhatsApp template a business-initiated message (outside the customer's session window) goes as: the
   * merchant's WhatsApp template of the kind with a `contentSid`, in the customer's locale (its tag, then its language),
   * else in the merchant's `defaultLocale`; its variables rendered in that locale. Null when there is none: WhatsApp
   * will not take a free-form message then.
   */
  async whatsappTemplate(request: Omit<RenderRequest, 'channel'>): Promise<WhatsAppTemplateMessage | null> {
    const { merchant, kind } = request;
    const candidates = await this.candidates(merchant.id, kind, candidateLocales({ locale: request.locale, defaultLocale: merchant.defaultLocale }), 'whatsapp');
    for (const locale of [request.locale, merchant.defaultLocale]) {
      for (const tag of localesServing(locale)) {
        const template = candidates.find((t) => t.channel === 'whatsapp' && t.locale === tag && t.contentSid);
        if (!template) continue;
        const facts: MessageFacts = { shopName: merchant.name, customerName: request.customerName, order: request.order, timezone: merchant.timezone, now: request.now };
        const values = variablesFor(facts, locale);
        const names = (template.contentVariables ?? []) as TemplateVariable[];
        return { sid: template.contentSid!, variables: Object.fromEntries(names.map((name, i) => [String(i + 1), values[name] ?? ''])) };
      }
    }
    return null;
  }

  /** The merchant's templates that may serve a message, from the last TEMPLATE_CACHE_MS if read then. */
  private candidates(merchantId: string, kind: TemplateKind, locales: string[], channel: Channel): Promise<MessageTemplateEntity[]> {
    const key = `${merchantId} ${kind} ${channel} ${locales.join(',')}`;
    const now = Date.now();
    const cached = this.recentCandidates.get(key);
    if (cached && cached.until > now) return cached.templates;
    if (this.recentCandidates.size >= TEMPLATE_CACHE_LIMIT) this.recentCandidates.clear();
    const templates = this.templates.candidates(merchantId, kind, locales, channel);
    this.recentCandidates.set(key, { until: now + TEMPLATE_CACHE_MS, templates });
    // A failed read is not kept: the next send asks again.
    templates.catch(() => {
      if (this.recentCandidates.get(key)?.templates === templates) this.recentCandidates.delete(key);
    });
    return templates;
  }

  /** This process saved or deleted one of the merchant's templates: its next message reads them again. */
  private forget(merchantId: string): void {
    for (const key of this.recentCandidates.keys()) if (key.startsWith(`${merchantId} `)) this.recentCandidates.delete(key);
  }

  private key(merchant: MerchantEntity, address: TemplateAddress) {
    return { merchantId: merchant.id, kind: address.kind, locale: canonicalLocale(address.locale), channel: address.channel };
  }
}

/**
 * Validates a body or a subject; a refusal names the field its position is in. A text whose longest rendering (every
 * variable at its longest, see VARIABLE_MAX_LENGTH) is over what its channel allows is refused, not rendered.
 */
function validateField(kind: TemplateKind, field: 'body' | 'subject', text: string, channel: TextChannel): void {
  try {
    validateTemplate(kind, text);
  } catch (error) {
    if (error instanceof DomainError) throw new DomainError(error.kind, error.code, `${field}: ${error.message}`, { field, ...(error.details as object) });
    throw error;
  }
  const longest = longestRendering(text);
  const max = renderedMaxOf(channel, field);
  if (longest > max) {
    const what = field === 'subject' ? 'an email subject' : channel === 'sms' ? 'an SMS' : 'an email';
    throw new DomainError(
      'invalid',
      'template_too_long',
      `${field}: could render ${longest} characters with every variable at its longest, more than the ${max} ${what} may have`,
      { field, channel, longestRendering: longest, max },
    );
  }
}

/** A Content template belongs to a WhatsApp template, and fills its placeholders with variables its kind has. */
function validateContent(address: TemplateAddress, content: { sid: string; variables: TemplateVariable[] }): void {
  if (address.channel !== 'whatsapp') {
    throw new DomainError('invalid', 'invalid_content_sid', 'contentSid: only a WhatsApp template (channel whatsapp) names a Twilio Content template', {
      field: 'contentSid',
    });
  }
  const allowed = VARIABLES_OF_KIND[address.kind] as readonly string[];
  const unknown = content.variables.filter((name) => !allowed.includes(name));
  if (unknown.length) {
    throw new DomainError(
      'invalid',
      'invalid_content_variables',
      `contentVariables: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a variable of ${address.kind} (${allowed.join(', ')})`,
      { field: 'contentVariables', unknown },
    );
  }
}
