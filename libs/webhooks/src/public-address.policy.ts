import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** IANA's global unicast space: IPv6 outside it (IPv4-compatible, discard, ORCHID and unallocated space) is not the public internet. */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
/** RFC 6052's well-known NAT64 prefix: the address stands for the IPv4 address in its last 32 bits. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
/** The deprecated IPv4-compatible IPv6 addresses (`::a.b.c.d`). */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * The range an IP address belongs to when it is not an address of the public internet (`loopback`, `private`,
 * `linkLocal`, `uniqueLocal`, `carrierGradeNat`, `multicast`, `unspecified`, `broadcast`, `reserved`…, as ipaddr.js
 * names IANA's special-purpose registries), or null when it is one. Accepts every spelling ipaddr.js reads: dotted,
 * decimal (`2130706433`), hex (`0x7f000001`), octal, short (`127.1`), bracketed or zoned IPv6. An IPv6 address that
 * carries an IPv4 one (mapped, NAT64, 6to4) is judged by the IPv4 address it leads to.
 */
export function nonPublicRange(address: string): string | null {
  const ip = ipaddr.parse(address.replace(/^\[(.*)\]$/, '$1'));
  if (ip.kind() === 'ipv4') {
    const range = ip.range();
    return range === 'unicast' ? null : range;
  }
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'ipv4Mapped') return nonPublicRange(v6.toIPv4Address().toString());
  if (v6.match(NAT64_WELL_KNOWN)) return embeddedIPv4Range(v6.toByteArray().slice(12, 16), 'nat64');
  if (range === '6to4') return embeddedIPv4Range(v6.toByteArray().slice(2, 6), '6to4');
  if (range !== 'unicast') return range;
  if (v6.match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return v6.match(IPV6_GLOBAL_UNICAST) ? null : 'reserved';
}

function embeddedIPv4Range(bytes: number[], via: string): string | null {
  const range = nonPublicRange(ipaddr.fromByteArray(bytes).toString());
  return range === null ? null : `${range} (${via})`;
}

/**
 * The IP address a URL's host is written as, or null when the host is a name. WHATWG URL parsing already turns every
 * IPv4 spelling (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`) into its dotted form.
 */
export function urlHostAddress(url: string): string | null {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : null;
}
