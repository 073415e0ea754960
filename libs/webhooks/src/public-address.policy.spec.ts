import { nonPublicRange, urlHostAddress } from './public-address.policy';

/** A URL's host as the API and the worker see it: WHATWG-canonicalised, then classified. */
const rangeOfUrl = (url: string) => {
  const address = urlHostAddress(url);
  if (address === null) throw new Error(`${url} has no IP host`);
  return nonPublicRange(address);
};

describe('public addresses', () => {
  it.each([
    ['http://127.0.0.1:5432/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://127.0.0.1./', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://%31%32%37.0.0.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::127.0.0.1]/', 'ipv4Compatible'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://0xc0a80101/', 'private'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://[fc00::1]/', 'uniqueLocal'],
    ['http://[fd12:3456:789a::1]/', 'uniqueLocal'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://100.127.255.254/', 'carrierGradeNat'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://192.0.2.10/', 'reserved'],
    ['http://198.51.100.10/', 'reserved'],
    ['http://203.0.113.10/', 'reserved'],
    ['http://198.18.0.1/', 'reserved'],
    ['http://192.0.0.8/', 'reserved'],
    ['http://[2001:db8::1]/', 'reserved'],
    ['http://[fec0::1]/', 'deprecatedSiteLocal'],
    ['http://[100::1]/', 'discard'],
    ['http://[64:ff9b::127.0.0.1]/', 'loopback (nat64)'],
    ['http://[64:ff9b::a00:1]/', 'private (nat64)'],
    ['http://[64:ff9b:1::a00:1]/', 'rfc6052'],
    ['http://[2002:7f00:1::1]/', 'loopback (6to4)'],
    ['http://[2002:c0a8:101::1]/', 'private (6to4)'],
    ['http://[2001::1]/', 'teredo'],
    ['http://[4000::1]/', 'reserved'],
  ])('%s is not public (%s)', (url, range) => {
    expect(rangeOfUrl(url)).toBe(range);
  });

  it.each([
    'https://93.184.215.14/',
    'https://8.8.8.8/',
    'https://1.1.1.1/',
    'https://172.32.0.1/',
    'https://100.128.0.1/',
    'https://11.0.0.1/',
    'https://[2606:4700:4700::1111]/',
    'https://[2a00:1450:4007:80a::200e]/',
    'https://[::ffff:8.8.8.8]/',
    'https://[64:ff9b::808:808]/',
    'https://[2002:808:808::1]/',
  ])('%s is public', (url) => {
    expect(rangeOfUrl(url)).toBeNull();
  });

  it('classifies the spellings a resolver may hand back, not only canonical ones', () => {
    expect(nonPublicRange('127.1')).toBe('loopback');
    expect(nonPublicRange('0x7f000001')).toBe('loopback');
    expect(nonPublicRange('[::1]')).toBe('loopback');
    expect(nonPublicRange('fe80::1%eth0')).toBe('linkLocal');
    expect(nonPublicRange('8.8.8.8')).toBeNull();
  });

  it('tells a host name from an address written in the URL', () => {
    expect(urlHostAddress('https://shop.example.com/hook')).toBeNull();
    expect(urlHostAddress('http://localhost:3000/')).toBeNull();
    expect(urlHostAddress('http://[::1]:8080/')).toBe('::1');
    expect(urlHostAddress('http://2130706433/')).toBe('127.0.0.1');
  });
});
