import { formatMessage } from './format';

describe('formatMessage', () => {
  it('puts values in, and formats numbers in the language', () => {
    expect(formatMessage('Hello {name}, order {reference}', { name: 'Ada', reference: 'A-1' })).toBe('Hello Ada, order A-1');
    expect(formatMessage('{count} sent', { count: 1200 }, 'en')).toBe('1,200 sent');
    expect(formatMessage('{count} sent', { count: 12 }, 'ar-EG')).toBe('١٢ sent');
  });

  it('chooses English plurals, exact values first', () => {
    const message = '{count, plural, =0 {no orders} one {# order} other {# orders}}';
    expect([0, 1, 2].map((count) => formatMessage(message, { count }, 'en'))).toEqual(['no orders', '1 order', '2 orders']);
  });

  it('chooses among the six Arabic plural forms', () => {
    const message = '{count, plural, zero {لا طلبات} one {طلب واحد} two {طلبان} few {# طلبات} many {# طلبًا} other {# طلب}}';
    expect([0, 1, 2, 3, 11, 100].map((count) => formatMessage(message, { count }, 'ar-EG'))).toEqual([
      'لا طلبات',
      'طلب واحد',
      'طلبان',
      '٣ طلبات',
      '١١ طلبًا',
      '١٠٠ طلب',
    ]);
  });

  it('selects a branch by value, with other as the fallback, and nests arguments inside branches', () => {
    const message = '{channel, select, sms {SMS to {to}} email {Email to {to}} other {Message}}';
    expect(formatMessage(message, { channel: 'sms', to: '+33***78' })).toBe('SMS to +33***78');
    expect(formatMessage(message, { channel: 'fax', to: 'x' })).toBe('Message');
  });

  it('isolates text values when asked, so they keep their own direction in a right-to-left sentence', () => {
    expect(formatMessage('إلى {to}، {count} مقاطع', { to: '+33612345678', count: 2 }, 'ar', { isolate: true })).toBe('إلى \u2068+33612345678\u2069، 2 مقاطع');
  });
});
