import type { MerchantEntity, MessageTemplateEntity, MessageTemplateRepository } from '@herald/persistence';
import { TemplatesService } from './templates.service';

const CONTENT_SID = 'HX0123456789abcdef0123456789abcdef';
const merchant = { id: 'm-1', name: 'Fromagerie Nord', timezone: 'Europe/Paris', defaultLocale: 'fr' } as MerchantEntity;
const now = new Date('2026-12-07T08:00:00Z');
const order = { reference: 'A-1042', pickupAt: new Date('2026-12-08T09:00:00Z') };

let sequence = 0;
const template = (overrides: Partial<MessageTemplateEntity>): MessageTemplateEntity => ({
  id: `t-${(sequence += 1)}`,
  merchantId: merchant.id,
  kind: 'reminder',
  locale: 'en',
  channel: 'whatsapp',
  subject: null,
  body: 'Hi {{customerName}}',
  contentSid: CONTENT_SID,
  contentVariables: ['customerName', 'reference', 'pickupWhen'],
  createdAt: now,
  updatedAt: now,
  ...overrides,
});

/** The service over a repository holding `templates` (it filters by kind, locale and channel as Postgres would). */
function serviceWith(templates: MessageTemplateEntity[]): TemplatesService {
  const repository = {
    candidates: async (_merchantId: string, kind: string, locales: string[], channel: string) =>
      templates.filter((t) => t.kind === kind && locales.includes(t.locale) && (t.channel === null || t.channel === channel)),
  } as unknown as MessageTemplateRepository;
  return new TemplatesService(repository);
}

const ask = (service: TemplatesService, locale: string) =>
  service.whatsappTemplate({ merchant, kind: 'reminder', locale, customerName: 'Ada', order, now });

describe('the WhatsApp template a message outside the session window goes as', () => {
  it('is the kind’s WhatsApp template with a Content SID, its variables rendered in the customer’s language and keyed "1", "2"…', async () => {
    const content = await ask(serviceWith([template({})]), 'en-GB');
    expect(content).toEqual({ sid: CONTENT_SID, variables: { '1': 'Ada', '2': 'A-1042', '3': 'tomorrow at 10:00' } });
  });

  it('falls back to the merchant’s language when the customer’s has none, and renders there', async () => {
    const content = await ask(serviceWith([template({ locale: 'fr', contentVariables: ['pickupWhen', 'shopName'] })]), 'es');
    expect(content).toEqual({ sid: CONTENT_SID, variables: { '1': 'demain à 10:00', '2': 'Fromagerie Nord' } });
  });

  it('is none without a Content SID, for another channel’s or every channel’s template, or another kind’s', async () => {
    const templates = [
      template({ contentSid: null, contentVariables: null }),
      template({ channel: null, contentSid: null, contentVariables: null }),
      template({ channel: 'sms', contentSid: null, contentVariables: null }),
      template({ kind: 'confirmation' }),
    ];
    expect(await ask(serviceWith(templates), 'en')).toBeNull();
  });

  it('takes a template with no variables as it is', async () => {
    expect(await ask(serviceWith([template({ contentVariables: [] })]), 'en')).toEqual({ sid: CONTENT_SID, variables: {} });
  });
});
