import { formatMessage, messageArguments } from '../format';
import { ar } from './ar';
import { en, type MessageKey } from './en';
import { es } from './es';
import { fr } from './fr';

/*
 * TypeScript already holds every catalogue to English's keys (the build fails on a missing one); this reads what the
 * types cannot: that each text takes the same arguments as the English one, under the same names, and parses.
 */
const CATALOGUES = { fr, es, ar } as Record<string, Record<string, string>>;
const LOCALES: Record<string, string> = { fr: 'fr-FR', es: 'es-ES', ar: 'ar' };
const keys = Object.keys(en) as MessageKey[];

describe.each(Object.keys(CATALOGUES))('the %s catalogue', (language) => {
  const catalogue = CATALOGUES[language];

  it('has every English key and no other', () => {
    expect(Object.keys(catalogue).sort()).toEqual([...keys].sort());
  });

  it('takes the same arguments as English in every text, each plural with an `other` form', () => {
    const different = keys.filter((key) => JSON.stringify([...messageArguments(catalogue[key])].sort()) !== JSON.stringify([...messageArguments(en[key])].sort()));
    expect(different).toEqual([]);
    const withoutOther = keys.filter((key) => /plural,/.test(catalogue[key]) && !/other\s*\{/.test(catalogue[key]));
    expect(withoutOther).toEqual([]);
  });

  it('formats every text with every argument given, for counts of every plural form', () => {
    for (const key of keys) {
      for (const count of [0, 1, 2, 3, 11, 100, 1_000_000]) {
        const values = Object.fromEntries([...messageArguments(en[key])].map(([name, type]) => [name, type === 'text' ? `‹${name}›` : type === 'plural' ? count : 'other']));
        const text = formatMessage(catalogue[key], values, LOCALES[language]);
        expect([key, /[{}]/.test(text.replace(/‹\w+›/g, '')) ? text : 'ok']).toEqual([key, 'ok']);
      }
    }
  });
});
