import type { MessageTemplateEntity } from '@herald/persistence';
import { candidateLocales, chooseText, TextRequest } from './template-choice';

let sequence = 0;
const template = (overrides: Partial<MessageTemplateEntity>): MessageTemplateEntity => ({
  id: `t-${(sequence += 1)}`,
  merchantId: 'm',
  kind: 'reminder',
  locale: 'fr',
  channel: null,
  subject: null,
  body: 'body',
  contentSid: null,
  contentVariables: null,
  createdAt: new Date(),
  updatedAt: new Date(),
  ...overrides,
});
const request = (overrides: Partial<TextRequest> = {}): TextRequest => ({ kind: 'reminder', channel: 'sms', locale: 'fr-CA', defaultLocale: 'de', ...overrides });

describe('which text a message uses', () => {
  it('asks the database for the customer’s tag and language, and the merchant’s', () => {
    expect(candidateLocales(request())).toEqual(['fr-CA', 'fr', 'de']);
    expect(candidateLocales(request({ locale: 'ar', defaultLocale: 'ar' }))).toEqual(['ar']);
  });

  it('prefers the merchant’s template in the exact tag, then in the language', () => {
    const exact = template({ locale: 'fr-CA', body: 'exact' });
    const language = template({ locale: 'fr', body: 'language' });
    expect(chooseText(request(), [language, exact])).toMatchObject({ text: { body: 'exact' }, locale: 'fr-CA', source: 'merchant' });
    expect(chooseText(request(), [language])).toMatchObject({ text: { body: 'language' }, locale: 'fr-CA', source: 'merchant' });
  });

  it('prefers a channel’s own template to the one for every channel, and never uses another channel’s', () => {
    const everyChannel = template({ body: 'every' });
    const sms = template({ channel: 'sms', body: 'sms' });
    const email = template({ channel: 'email', body: 'email' });
    expect(chooseText(request(), [everyChannel, sms, email])).toMatchObject({ text: { body: 'sms' } });
    expect(chooseText(request({ channel: 'email' }), [everyChannel, sms])).toMatchObject({ text: { body: 'every' } });
  });

  it('uses the built-in text of the customer’s language before a template in the merchant’s', () => {
    const german = template({ locale: 'de', body: 'Ihre Bestellung' });
    expect(chooseText(request(), [german])).toMatchObject({ source: 'built_in', locale: 'fr-CA', text: { body: expect.stringContaining('sera prête') } });
  });

  it('falls back to the merchant’s default language, then to English', () => {
    const german = template({ locale: 'de', body: 'Ihre Bestellung' });
    expect(chooseText(request({ locale: 'it' }), [german])).toMatchObject({ source: 'merchant', locale: 'de', text: { body: 'Ihre Bestellung' } });
    expect(chooseText(request({ locale: 'it', defaultLocale: 'es' }), [])).toMatchObject({ source: 'built_in', locale: 'es', text: { body: expect.stringContaining('estará listo') } });
    expect(chooseText(request({ locale: 'it', defaultLocale: 'pt' }), [])).toMatchObject({ source: 'built_in', locale: 'en', text: { body: expect.stringContaining('is ready') } });
  });

  it('gives an email the template’s subject, else the built-in one; an SMS none', () => {
    const withSubject = template({ channel: 'email', subject: 'Sujet {{reference}}' });
    expect(chooseText(request({ channel: 'email' }), [withSubject])?.text.subject).toBe('Sujet {{reference}}');
    expect(chooseText(request({ channel: 'email' }), [template({})])?.text.subject).toBe('{{shopName}} : commande {{reference}} prête {{pickupWhen}}');
    expect(chooseText(request(), [withSubject, template({})])?.text.subject).toBeNull();
  });

  it('has no text for a campaign without a template, and never takes another kind’s', () => {
    expect(chooseText(request({ kind: 'campaign' }), [template({ kind: 'reminder' })])).toBeNull();
    expect(chooseText(request({ kind: 'campaign', channel: 'email' }), [template({ kind: 'campaign', body: 'Fermé lundi' })])).toMatchObject({
      text: { subject: '{{shopName}}', body: 'Fermé lundi' },
    });
  });
});
