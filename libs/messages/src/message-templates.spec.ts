import { renderTemplate, resolveLocale } from './message-templates';

const base = {
  shopName: 'Boulangerie Lune',
  reference: 'A-1042',
  customerName: 'Ada',
  timezone: 'Europe/Paris',
};

describe('message templates', () => {
  it('tells an English customer the pickup is tomorrow, in the merchant time zone', () => {
    const message = renderTemplate('pickup_reminder', 'en-GB', {
      ...base,
      pickupAt: new Date('2026-11-23T09:00:00Z'), // 10:00 in Paris
      now: new Date('2026-11-22T09:00:00Z'),
    });
    expect(message.body).toBe('Hi Ada, your order A-1042 from Boulangerie Lune is ready tomorrow at 10:00.');
  });

  it('speaks French to a French customer', () => {
    const message = renderTemplate('order_confirmation', 'fr', {
      ...base,
      pickupAt: new Date('2026-11-22T16:30:00Z'),
      now: new Date('2026-11-22T08:00:00Z'),
    });
    expect(message.body).toBe("Bonjour Ada, Boulangerie Lune a bien reçu votre commande A-1042. Retrait aujourd'hui à 17:30.");
    expect(message.subject).toContain('confirmée');
  });

  it('names the weekday when pickup is further than tomorrow, and works across a DST change', () => {
    const message = renderTemplate('pickup_reminder', 'en-US', {
      ...base,
      customerName: null,
      timezone: 'America/New_York',
      pickupAt: new Date('2026-11-02T15:00:00Z'), // Monday 10:00 EST, the day after DST ends
      now: new Date('2026-10-30T14:00:00Z'),
    });
    expect(message.body).toBe('your order A-1042 from Boulangerie Lune is ready on Monday 2 November at 10:00 AM.');
  });

  it('tells the customer the pickup moved, in English and in French', () => {
    const context = { ...base, pickupAt: new Date('2026-11-24T15:00:00Z'), now: new Date('2026-11-23T08:00:00Z') }; // 16:00 in Paris
    expect(renderTemplate('pickup_moved', 'en', context)).toEqual({
      subject: 'Boulangerie Lune: new pickup time for order A-1042',
      body: 'Hi Ada, the pickup of your order A-1042 from Boulangerie Lune has moved: it is now ready tomorrow at 4:00 PM.',
    });
    expect(renderTemplate('pickup_moved', 'fr-FR', context)).toEqual({
      subject: 'Boulangerie Lune : nouvel horaire de retrait pour la commande A-1042',
      body: 'Bonjour Ada, le retrait de votre commande A-1042 chez Boulangerie Lune a changé : elle sera prête demain à 16:00.',
    });
  });

  it('falls back to English for a language it does not know', () => {
    expect(resolveLocale('de-DE')).toBe('en');
    expect(resolveLocale('fr_CA')).toBe('fr');
    expect(resolveLocale(undefined)).toBe('en');
  });
});
