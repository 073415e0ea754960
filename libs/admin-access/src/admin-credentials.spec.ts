import { adminRole, canReadMetrics } from './admin-credentials';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const config = {
  admin: { user: 'admin', password: 'correct horse battery' },
  adminReadOnly: { user: 'viewer', password: 'look but do not touch' },
};

describe('adminRole', () => {
  it('tells the admin from the read-only operator', () => {
    expect(adminRole(basic('admin', 'correct horse battery'), config)).toBe('admin');
    expect(adminRole(basic('viewer', 'look but do not touch'), config)).toBe('read-only');
  });

  it('refuses a wrong password of any length, a right password under the wrong name, and the two pairs mixed', () => {
    for (const authorization of [
      basic('admin', ''),
      basic('admin', 'correct horse batter'),
      basic('admin', 'correct horse battery!'),
      basic('admin', 'x'.repeat(10_000)),
      basic('Admin', 'correct horse battery'),
      basic('viewer', 'correct horse battery'),
      basic('admin', 'look but do not touch'),
      basic('', ''),
      'Basic not-base64-and-no-colon',
      'Bearer correct horse battery',
      undefined,
    ]) {
      expect([authorization, adminRole(authorization, config)]).toEqual([authorization, null]);
    }
  });

  it('keeps a colon in the password (only the first one separates the user name)', () => {
    const withColon = { admin: { user: 'admin', password: 'a:b:c' }, adminReadOnly: null };
    expect(adminRole(basic('admin', 'a:b:c'), withColon)).toBe('admin');
    expect(adminRole(basic('admin', 'a:b'), withColon)).toBeNull();
  });

  it('lets everyone in as the admin when no admin is configured (local use)', () => {
    expect(adminRole(undefined, { admin: null, adminReadOnly: null })).toBe('admin');
  });
});

describe('canReadMetrics', () => {
  it('wants either pair of credentials under METRICS_AUTH=admin, and nothing under none', () => {
    const guarded = { ...config, metrics: { auth: 'admin' as const, port: null } };
    expect(canReadMetrics(undefined, guarded)).toBe(false);
    expect(canReadMetrics(basic('admin', 'guess'), guarded)).toBe(false);
    expect(canReadMetrics(basic('viewer', 'look but do not touch'), guarded)).toBe(true);
    expect(canReadMetrics(undefined, { ...config, metrics: { auth: 'none' as const, port: null } })).toBe(true);
  });
});
