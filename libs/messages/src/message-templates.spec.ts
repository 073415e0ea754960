import { BUILT_IN_LANGUAGES, MessageFacts } from './message-variables';
import { builtInText, renderMessage } from './message-templates';
import { BUILT_IN_KINDS } from './template-kinds';
import { validateTemplate } from './template-engine';

const facts = (overrides: Partial<MessageFacts> & { pickupAt: Date; now: Date }): MessageFacts => {
  const { pickupAt, ...rest } = overrides;
  return { shopName: 'Boulangerie Lune', customerName: 'Ada', timezone: 'Europe/Paris', order: { reference: 'A-1042', pickupAt }, ...rest };
};
const builtIn = (kind: Parameters<typeof builtInText>[0], locale: string, context: MessageFacts) => {
  const { text, locale: textLocale } = builtInText(kind, locale);
  return renderMessage(text, context, textLocale);
};

describe('the built-in texts', () => {
  it('tell an English customer the pickup is tomorrow, in the merchant time zone', () => {
    const message = builtIn('reminder', 'en-GB', facts({ pickupAt: new Date('2026-11-23T09:00:00Z'), now: new Date('2026-11-22T09:00:00Z') }));
    expect(message.body).toBe('Hi Ada, your order A-1042 from Boulangerie Lune is ready tomorrow at 10:00.');
  });

  it('speak French to a French customer', () => {
    const message = builtIn('confirmation', 'fr', facts({ pickupAt: new Date('2026-11-22T16:30:00Z'), now: new Date('2026-11-22T08:00:00Z') }));
    expect(message.body).toBe("Bonjour Ada, Boulangerie Lune a bien reçu votre commande A-1042. Retrait aujourd'hui à 17:30.");
    expect(message.subject).toBe('Boulangerie Lune : commande A-1042 confirmée');
  });

  it('name the weekday when pickup is further than tomorrow, and work across a DST change', () => {
    const message = builtIn(
      'reminder',
      'en-US',
      facts({ customerName: null, timezone: 'America/New_York', pickupAt: new Date('2026-11-02T15:00:00Z'), now: new Date('2026-10-30T14:00:00Z') }),
    );
    // Monday 10:00 EST, the day after DST ends; no name, no greeting.
    expect(message.body).toBe('your order A-1042 from Boulangerie Lune is ready on Monday 2 November at 10:00 AM.');
  });

  it('tell the customer the pickup moved, in English and in French', () => {
    const context = facts({ pickupAt: new Date('2026-11-24T15:00:00Z'), now: new Date('2026-11-23T08:00:00Z') }); // 16:00 in Paris
    expect(builtIn('reminder_moved', 'en', context)).toEqual({
      subject: 'Boulangerie Lune: new pickup time for order A-1042',
      body: 'Hi Ada, the pickup of your order A-1042 from Boulangerie Lune has moved: it is now ready tomorrow at 4:00 PM.',
    });
    expect(builtIn('reminder_moved', 'fr-FR', context)).toEqual({
      subject: 'Boulangerie Lune : nouvel horaire de retrait pour la commande A-1042',
      body: 'Bonjour Ada, le retrait de votre commande A-1042 chez Boulangerie Lune a changé : elle sera prête demain à 16:00.',
    });
  });

  it('speak Spanish, with the date the Spanish way', () => {
    const context = facts({ pickupAt: new Date('2026-11-26T15:00:00Z'), now: new Date('2026-11-23T08:00:00Z') });
    expect(builtIn('reminder', 'es-ES', context).body).toBe('Hola Ada, tu pedido A-1042 de Boulangerie Lune estará listo el jueves 26 de noviembre a las 16:00.');
    expect(builtIn('confirmation', 'es', { ...context, now: new Date('2026-11-26T08:00:00Z') }).body).toBe(
      'Hola Ada, Boulangerie Lune ha recibido tu pedido A-1042. Recogida hoy a las 16:00.',
    );
  });

  it('speak Arabic right to left, each inserted value isolated so A-1042 and a Latin shop name keep their order', () => {
    const context = facts({ pickupAt: new Date('2026-11-24T09:00:00Z'), now: new Date('2026-11-23T08:00:00Z') });
    const { body, subject } = builtIn('reminder', 'ar', context);
    expect(body).toBe('مرحبًا \u2068Ada\u2069، طلبك \u2068A-1042\u2069 من \u2068Boulangerie Lune\u2069 جاهز \u2068غدًا الساعة 10:00 ص\u2069.');
    expect(subject).toBe('\u2068Boulangerie Lune\u2069: طلبك \u2068A-1042\u2069 جاهز \u2068غدًا الساعة 10:00 ص\u2069');
    // A phone picks the direction from the first strong character outside isolates: here an Arabic letter.
    expect(firstStrongOutsideIsolates(subject!)).toMatch(/\p{Script=Arabic}/u);
    expect(firstStrongOutsideIsolates(builtIn('confirmation', 'ar', { ...context, customerName: null }).body)).toMatch(/\p{Script=Arabic}/u);
  });

  it('fall back to English for a language Herald does not speak', () => {
    const context = facts({ pickupAt: new Date('2026-11-24T09:00:00Z'), now: new Date('2026-11-23T08:00:00Z') });
    expect(builtIn('reminder', 'de-DE', context).body).toBe('Hi Ada, your order A-1042 from Boulangerie Lune is ready tomorrow at 10:00 AM.');
    expect(builtIn('reminder', 'fr_CA', context).body).toContain('sera prête demain à 10 h 00');
  });

  it('are all valid templates of their kind, in every language', () => {
    for (const language of BUILT_IN_LANGUAGES) {
      for (const kind of BUILT_IN_KINDS) {
        const { text } = builtInText(kind, language);
        expect(() => validateTemplate(kind, text.body)).not.toThrow();
        expect(() => validateTemplate(kind, text.subject!)).not.toThrow();
      }
    }
  });
});

/** The first letter with a strong direction, skipping what sits between FSI/LRI/RLI and PDI (UAX #9, rule P2). */
function firstStrongOutsideIsolates(text: string): string | undefined {
  let depth = 0;
  for (const char of text) {
    if (char === '\u2066' || char === '\u2067' || char === '\u2068') depth += 1;
    else if (char === '\u2069') depth = Math.max(0, depth - 1);
    else if (depth === 0 && /[\p{L}]/u.test(char)) return char;
  }
  return undefined;
}
