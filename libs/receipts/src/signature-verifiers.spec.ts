import { Logger } from '@nestjs/common';
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import twilio from 'twilio';
import { parseEnvironment } from '@herald/config';
import { SendGridSignatureVerifier } from './sendgrid-signature.verifier';
import { TwilioSignatureVerifier } from './twilio-signature.verifier';
import { VonageSignatureVerifier } from './vonage-signature.verifier';

const invalid = expect.objectContaining({ code: 'invalid_signature', kind: 'forbidden' });

describe('Twilio signature verifier', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  const authToken = '12345678901234567890123456789012';
  const config = parseEnvironment({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: '+15005550006', PUBLIC_URL: 'https://herald.example.com' });
  const path = '/webhooks/twilio/status?notificationId=7c1f0a3e-5b2d-4c8e-9f10-2a3b4c5d6e7f';
  const params = { MessageSid: 'SM1', MessageStatus: 'delivered' };
  const signature = twilio.getExpectedTwilioSignature(authToken, `https://herald.example.com${path}`, params);

  it('accepts what Twilio signed for the public URL, query string included', () => {
    expect(() => new TwilioSignatureVerifier(config).verify({ signature, pathWithQuery: path, params })).not.toThrow();
  });

  it('refuses a missing signature, another token, another URL or other params', () => {
    const verifier = new TwilioSignatureVerifier(config);
    const forged = twilio.getExpectedTwilioSignature('another-token', `https://herald.example.com${path}`, params);
    expect(() => verifier.verify({ signature: undefined, pathWithQuery: path, params })).toThrow(invalid);
    expect(() => verifier.verify({ signature: forged, pathWithQuery: path, params })).toThrow(invalid);
    expect(() => verifier.verify({ signature, pathWithQuery: '/webhooks/twilio/status?notificationId=other', params })).toThrow(invalid);
    expect(() => verifier.verify({ signature, pathWithQuery: path, params: { ...params, MessageStatus: 'undelivered' } })).toThrow(invalid);
  });

  it('refuses everything when Twilio is not configured', () => {
    const verifier = new TwilioSignatureVerifier(parseEnvironment({ PUBLIC_URL: 'https://herald.example.com' }));
    expect(() => verifier.verify({ signature, pathWithQuery: path, params })).toThrow(invalid);
  });
});

describe('SendGrid signature verifier', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  /** The verification key as SendGrid's settings page shows it: base64 SubjectPublicKeyInfo, no PEM armour. */
  const shownKey = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const timestamp = '1763800000';
  const payload = Buffer.from(`${JSON.stringify([{ event: 'delivered', sg_message_id: 'abc.1' }])}\r\n`);
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), payload]), privateKey).toString('base64');
  const verifierFor = (key?: string) => new SendGridSignatureVerifier(parseEnvironment({ SENDGRID_WEBHOOK_PUBLIC_KEY: key }));

  it('accepts a body SendGrid signed, with the key as shown by SendGrid or as a PEM', () => {
    expect(() => verifierFor(shownKey).verify({ signature, timestamp, payload })).not.toThrow();
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => verifierFor(pem).verify({ signature, timestamp, payload })).not.toThrow();
  });

  it('refuses a tampered body, another timestamp, a garbled or missing signature', () => {
    const verifier = verifierFor(shownKey);
    const tampered = Buffer.from(payload.toString().replace('delivered', 'bounce'));
    expect(() => verifier.verify({ signature, timestamp, payload: tampered })).toThrow(invalid);
    expect(() => verifier.verify({ signature, timestamp: '1763800001', payload })).toThrow(invalid);
    expect(() => verifier.verify({ signature: 'not-a-signature', timestamp, payload })).toThrow(invalid);
    expect(() => verifier.verify({ signature: undefined, timestamp, payload })).toThrow(invalid);
  });

  it('refuses everything without a configured key', () => {
    expect(() => verifierFor().verify({ signature, timestamp, payload })).toThrow(invalid);
  });

  it('names a key that is not SendGrid\'s kind of key when the environment is read', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    for (const key of ['not a key', p384]) {
      expect(() => parseEnvironment({ SENDGRID_WEBHOOK_PUBLIC_KEY: key })).toThrow(/SENDGRID_WEBHOOK_PUBLIC_KEY must be the ECDSA P-256 verification key/);
    }
  });
});

describe('Vonage signature verifier', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  const secret = 'vonage-signature-secret';
  const vonage = { VONAGE_API_KEY: 'abcd1234', VONAGE_API_SECRET: 'vonage-secret', VONAGE_FROM: '+447700900001', VONAGE_SIGNATURE_SECRET: secret };
  const now = 1_763_800_000_000;
  const params = { messageId: '0A01', status: 'delivered', 'client-ref': 'a=b&c', 'api-key': 'abcd1234', timestamp: String(now / 1000), nonce: 'n-1' };
  /** Vonage's documented scheme, written out: `&name=value` sorted by name, & and = in values as _, then the digest. */
  const signedText = (p: Record<string, string>) => Object.keys(p).sort().map((k) => `&${k}=${p[k].replace(/[&=]/g, '_')}`).join('');
  const md5hash = createHash('md5').update(signedText(params) + secret).digest('hex').toUpperCase();
  const sha256 = createHmac('sha256', secret).update(signedText(params)).digest('hex');

  it('accepts what Vonage signed, by the method the account uses', () => {
    expect(() => new VonageSignatureVerifier(parseEnvironment(vonage)).verify({ ...params, sig: md5hash }, now)).not.toThrow();
    const hmac = new VonageSignatureVerifier(parseEnvironment({ ...vonage, VONAGE_SIGNATURE_METHOD: 'sha256hmac' }));
    expect(() => hmac.verify({ ...params, sig: sha256 }, now)).not.toThrow();
  });

  it('refuses other params, another method, a stale timestamp, another account, no sig, no configured secret', () => {
    const verifier = new VonageSignatureVerifier(parseEnvironment(vonage));
    expect(() => verifier.verify({ ...params, status: 'failed', sig: md5hash }, now)).toThrow(invalid);
    expect(() => verifier.verify({ ...params, sig: sha256 }, now)).toThrow(invalid);
    expect(() => verifier.verify({ ...params, sig: md5hash }, now + 6 * 60_000)).toThrow(invalid);
    expect(() => verifier.verify(params, now)).toThrow(invalid);
    const otherAccount = { ...params, 'api-key': 'zzzz9999' };
    const otherSig = createHash('md5').update(signedText(otherAccount) + secret).digest('hex');
    expect(() => verifier.verify({ ...otherAccount, sig: otherSig }, now)).toThrow(invalid);
    const { VONAGE_SIGNATURE_SECRET: _unset, ...unsigned } = vonage;
    expect(() => new VonageSignatureVerifier(parseEnvironment(unsigned)).verify({ ...params, sig: md5hash }, now)).toThrow(invalid);
  });
});
