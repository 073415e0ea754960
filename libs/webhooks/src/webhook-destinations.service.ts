import { Inject, Injectable } from '@nestjs/common';
import { lookup as systemLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError } from '@herald/errors';
import { nonPublicRange, urlHostAddress } from './public-address.policy';

/** Every address a host name resolves to, as `dns.lookup(name, { all: true })` gives them. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

/** The resolver webhook hosts are looked up with: the system's, unless a test provides its own. */
export const HOST_RESOLVER = Symbol('HOST_RESOLVER');

export const systemResolver: HostResolver = (hostname) =>
  new Promise((resolve, reject) => systemLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/** How long a PUT waits for the URL's host name to resolve; past it the name is taken as not resolving yet. */
const PUT_RESOLVE_TIMEOUT_MS = 3000;

/** Node's `lookup` option of `net.connect`, in both its forms (one address, or all of them for Happy Eyeballs). */
export type ConnectLookup = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** A connection refused because the address it would go to is not on the public internet. */
export class AddressNotPublicError extends Error {
  readonly code = 'EADDRNOTPUBLIC';

  constructor(readonly range: string) {
    super(`the address is not public (${range})`);
    this.name = 'AddressNotPublicError';
  }
}

/**
 * Where merchants' webhooks may go. Unless WEBHOOK_ALLOW_PRIVATE, only to the public internet: a URL whose host is, or
 * resolves to, a loopback, private, link-local, unique-local, CGNAT, multicast, unspecified or otherwise reserved
 * address is refused when it is set, and every connection a delivery opens is checked again against the address it
 * actually goes to, so a name that resolves elsewhere by then (DNS rebinding) is refused too.
 */
@Injectable()
export class WebhookDestinations {
  readonly allowPrivate: boolean;

  constructor(
    @InjectConfig() config: HeraldConfig,
    @Inject(HOST_RESOLVER) private readonly resolve: HostResolver,
  ) {
    this.allowPrivate = config.webhooks.allowPrivate;
  }

  /**
   * At PUT: 422 `webhook_url_not_public` for a URL that leads off the public internet. A name that does not resolve
   * (yet, or within a few seconds) is let through: the delivery checks every address it connects to anyway.
   */
  async assertPublicUrl(url: string): Promise<void> {
    if (this.allowPrivate) return;
    const literal = urlHostAddress(url);
    const hostname = new URL(url).hostname;
    if (literal !== null) return refuseIfNotPublic(literal, 'is');
    if (isLocalhostName(hostname)) throw notPublic('is', 'loopback');
    let addresses: LookupAddress[];
    try {
      addresses = await withinMs(this.resolve(hostname), PUT_RESOLVE_TIMEOUT_MS);
    } catch {
      return;
    }
    for (const { address } of addresses) refuseIfNotPublic(address, 'resolves to');
  }

  /** For a connection to an address written in the URL: the error to fail it with, or null to let it go. */
  refusal(address: string): AddressNotPublicError | null {
    if (this.allowPrivate || !isIP(address)) return null;
    const range = nonPublicRange(address);
    return range === null ? null : new AddressNotPublicError(range);
  }

  /** `net.connect`'s `lookup`: resolves as the system does and fails the connection if any address is not public. */
  readonly lookup: ConnectLookup = (hostname, options, callback) => {
    const found = isLocalhostName(hostname) ? Promise.reject(new AddressNotPublicError('loopback')) : this.resolve(hostname);
    found.then(
      (all) => {
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        const refused = wanted.map((a) => this.refusal(a.address)).find((error) => error !== null);
        if (refused) return callback(refused, options.all ? [] : '');
        if (!wanted.length) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), options.all ? [] : '');
        if (options.all) return callback(null, wanted);
        callback(null, wanted[0].address, wanted[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : ''),
    );
  };
}

function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** RFC 6761: `localhost` and its subdomains are loopback whatever a resolver says. */
function isLocalhostName(hostname: string): boolean {
  return /(^|\.)localhost\.?$/i.test(hostname);
}

function refuseIfNotPublic(address: string, verb: 'is' | 'resolves to'): void {
  const range = nonPublicRange(address);
  if (range !== null) throw notPublic(verb, range);
}

function notPublic(verb: 'is' | 'resolves to', range: string): DomainError {
  return new DomainError(
    'unprocessable',
    'webhook_url_not_public',
    `the webhook URL's host ${verb} a non-public address (${range}): webhooks go only to addresses on the public internet`,
  );
}
