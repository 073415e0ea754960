import { isReadableLocale, variablesFor } from './message-variables';

describe('language tags dates are formatted in', () => {
  const facts = (now: Date) => ({ shopName: 'Lune', customerName: 'Ada', order: { reference: 'A-1', pickupAt: new Date(now.getTime() + 3600_000) }, timezone: 'Europe/Paris', now });

  it('tells a tag Intl can read from one that only looks like a tag', () => {
    expect(['fr', 'en-GB', 'fr_CA', 'zh-Hant-TW', 'ar'].map(isReadableLocale)).toEqual([true, true, true, true, true]);
    expect(['ab-12', 'fr-de-de', 'qqq-abcdefgh-abcdefgh'].map(isReadableLocale)).toEqual([false, false, false]);
  });

  it('renders a tag stored before tags were checked in its language, or English, instead of throwing', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    expect(variablesFor(facts(now), 'fr-de-de').pickupTime).toBe(variablesFor(facts(now), 'fr').pickupTime);
    expect(variablesFor(facts(now), 'ab-12').pickupWhen).toEqual(expect.any(String));
    expect(variablesFor(facts(now), 'qqq-abcdefgh-abcdefgh').pickupDate).toBe(variablesFor(facts(now), 'qqq').pickupDate);
  });
});
