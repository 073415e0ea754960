import { unstorableStringPaths } from './storable-text';

describe('strings Postgres cannot store', () => {
  it('names the path of each string holding NUL or an unpaired surrogate, object keys included', () => {
    const body = {
      reference: 'A-\u00001',
      customer: { name: 'Ada\ud800', phone: '+33612345678' },
      audience: { customerIds: ['ok', 'bad\udfff'] },
      ['key\u0000']: 'fine',
    };
    expect(unstorableStringPaths(body).sort()).toEqual(['audience.customerIds.1', 'customer.name', 'key\u0000', 'reference']);
  });

  it('accepts paired surrogates (emoji), other control characters and every script', () => {
    expect(unstorableStringPaths({ name: 'Ada 🥐 \t\n مرحبا 你好', n: 1, b: true, x: null })).toEqual([]);
    expect(unstorableStringPaths('\ud83e\udd50')).toEqual([]);
  });

  it('finds a bad string at the root and far down without recursing', () => {
    expect(unstorableStringPaths('\u0000')).toEqual(['']);
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(unstorableStringPaths(deep)).toHaveLength(1);
  });
});
