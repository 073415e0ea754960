import { Logger } from '@nestjs/common';
import { generateKeyPairSync, sign } from 'node:crypto';
import twilio from 'twilio';
import { parseEnvironment } from '@herald/config';
import { SendGridSignatureVerifier } from './sendgrid-signature.verifier';
import { TwilioSignatureVerifier } from './twilio-signature.verifier';

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
