import { renderMessage } from './message-templates';
import { RENDERED_MAX, renderedTooLong, VARIABLE_MAX_LENGTH } from './message-limits';
import { MessageFacts, variablesFor } from './message-variables';
import { TEMPLATE_VARIABLES } from './template-kinds';
import { longestRendering } from './template-engine';

const longestFacts = (pickupAt: Date, now: Date): MessageFacts => ({
  shopName: 'م'.repeat(VARIABLE_MAX_LENGTH.shopName),
  customerName: 'ع'.repeat(VARIABLE_MAX_LENGTH.customerName),
  order: { reference: 'R'.repeat(VARIABLE_MAX_LENGTH.reference), pickupAt },
  timezone: 'America/St_Johns',
  now,
});

describe('the longest a template can render', () => {
  it('counts text as written and every value at its longest with its two isolates', () => {
    expect(longestRendering('Hello')).toBe(5);
    expect(longestRendering('{{shopName}}')).toBe(202);
    expect(longestRendering('{{{reference}}} and {{& pickupTime}}')).toBe(102 + 5 + 32);
    expect(longestRendering('{{! a comment that renders nothing }}ok')).toBe(2);
    // A section renders once at most: both of a name's sections are counted, the bound stays above the truth.
    expect(longestRendering('{{#customerName}}Hi {{customerName}}, {{/customerName}}{{^customerName}}Hello, {{/customerName}}x')).toBe(3 + 202 + 2 + 7 + 1);
  });

  it('is what the issue’s preview renders: {{shopName}} × 833 with a 200-character Arabic shop name', () => {
    const template = '{{shopName}}'.repeat(833);
    const pickupAt = new Date('2026-12-08T10:00:00Z');
    const now = new Date('2026-12-07T10:00:00Z');
    expect(longestRendering(template)).toBe(833 * 202);
    expect(renderMessage({ subject: null, body: template }, longestFacts(pickupAt, now), 'ar').body).toHaveLength(833 * 202);
  });

  it('is never shorter than a rendering with the longest values, in any language, on any day', () => {
    const template = [
      '{{#customerName}}مرحبًا {{customerName}}، {{/customerName}}{{^customerName}}مرحبًا، {{/customerName}}',
      '{{shopName}}: {{reference}} {{pickupDate}} {{pickupTime}} {{pickupWhen}} {{! comment }}',
    ].join('\n');
    const bound = longestRendering(template);
    const now = new Date('2026-09-30T12:00:00Z');
    for (const locale of ['ar', 'en', 'fr', 'es', 'de', 'fa', 'he', 'my', 'brx', 'bo', 'ml', 'zh']) {
      for (const days of [0, 1, 3]) {
        const rendered = renderMessage({ subject: null, body: template }, longestFacts(new Date(now.getTime() + days * 86_400_000), now), locale).body;
        expect([locale, days, rendered.length <= bound]).toEqual([locale, days, true]);
      }
    }
  });

  it('bounds every date and time Intl says, in every language it speaks, by the declared maximum', () => {
    const languages =
      'af am ar as az be bg bn bo brx bs ca ce chr cs cy da de dz el en es et eu fa ff fi fil fo fr fy ga gd gl gu ha he hi hr hu hy ' +
      'id ig is it ja jv ka kk km kn ko kok ks ky lb lo lt lv mai mi mk ml mn mni mr ms mt my nb ne nl nn or pa pcm pl ps pt qu rm ' +
      'ro ru sa sat sc sd si sk sl so sq sr su sv sw ta te tg th ti tk to tr tt ug uk ur uz vi wo xh yo yue zh zu';
    const locales = Intl.DateTimeFormat.supportedLocalesOf(languages.split(' '));
    expect(locales.length).toBeGreaterThan(80);
    const longest: Record<string, number> = {};
    for (const locale of locales) {
      for (let month = 0; month < 12; month += 1) {
        const now = new Date(Date.UTC(2026, month, 1, 6));
        // Today, tomorrow and a later day, whose weekday changes with the month.
        for (const days of [0, 1, 2 + (month % 7)]) {
          for (const hour of [0, 22]) {
            const pickupAt = new Date(now.getTime() + days * 86_400_000 + hour * 3_600_000 + 59 * 60_000);
            const values = variablesFor({ ...longestFacts(pickupAt, now), shopName: '', customerName: '' }, locale);
            for (const name of ['pickupDate', 'pickupTime', 'pickupWhen'] as const) {
              const length = values[name].replace(/[\u2068\u2069]/g, '').length;
              longest[name] = Math.max(longest[name] ?? 0, length);
            }
          }
        }
      }
    }
    for (const name of ['pickupDate', 'pickupTime', 'pickupWhen'] as const) expect([name, longest[name] <= VARIABLE_MAX_LENGTH[name]]).toEqual([name, true]);
    expect(Object.keys(VARIABLE_MAX_LENGTH).sort()).toEqual([...TEMPLATE_VARIABLES].sort());
  });
});

describe('rendered texts', () => {
  it('an SMS body of 1,600 characters goes, of 1,601 does not (Twilio’s limit)', () => {
    expect(renderedTooLong('sms', { subject: null, body: 'a'.repeat(RENDERED_MAX.smsBody) })).toBeNull();
    expect(renderedTooLong('sms', { subject: null, body: 'a'.repeat(RENDERED_MAX.smsBody + 1) })).toBe('the SMS body rendered 1601 characters, more than the 1600 allowed');
  });

  it('an email may say more, within its own body and subject limits', () => {
    expect(renderedTooLong('email', { subject: 's'.repeat(RENDERED_MAX.emailSubject), body: 'a'.repeat(RENDERED_MAX.emailBody) })).toBeNull();
    expect(renderedTooLong('email', { subject: null, body: 'a'.repeat(RENDERED_MAX.emailBody + 1) })).toMatch(/^the email body rendered 20001 characters/);
    expect(renderedTooLong('email', { subject: 's'.repeat(RENDERED_MAX.emailSubject + 1), body: 'ok' })).toMatch(/^the email subject rendered 1001 characters/);
  });
});
