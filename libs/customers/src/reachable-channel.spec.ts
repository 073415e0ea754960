import { otherChannel, reachableChannel } from './reachable-channel';

const customer = (overrides: Partial<Parameters<typeof reachableChannel>[0]> = {}) => ({
  phone: '+33612345678',
  email: 'ada@example.com',
  preferredChannel: null,
  smsOptedOut: false,
  emailOptedOut: false,
  whatsappOptedOut: false,
  ...overrides,
});

describe('the channel a message to a customer goes on', () => {
  it('is SMS when the customer states no preference and has a phone, as for orders', () => {
    expect(reachableChannel(customer())).toEqual({ channel: 'sms', recipient: '+33612345678' });
    expect(reachableChannel(customer({ phone: null }))).toEqual({ channel: 'email', recipient: 'ada@example.com' });
  });

  it('is the preferred channel when it can be used', () => {
    expect(reachableChannel(customer({ preferredChannel: 'email' }))).toEqual({ channel: 'email', recipient: 'ada@example.com' });
  });

  it('is the other channel when the preferred one is opted out or unknown', () => {
    expect(reachableChannel(customer({ preferredChannel: 'email', emailOptedOut: true }))).toEqual({ channel: 'sms', recipient: '+33612345678' });
    expect(reachableChannel(customer({ preferredChannel: 'sms', phone: null }))).toEqual({ channel: 'email', recipient: 'ada@example.com' });
  });

  it('is none, with the reason, when every known channel is opted out or none is known', () => {
    expect(reachableChannel(customer({ smsOptedOut: true, emailOptedOut: true }))).toEqual({ channel: null, reason: 'opted_out' });
    expect(reachableChannel(customer({ smsOptedOut: true, email: null }))).toEqual({ channel: null, reason: 'opted_out' });
    expect(reachableChannel(customer({ phone: null, email: null }))).toEqual({ channel: null, reason: 'no_contact' });
  });

  it('is WhatsApp only for a customer who prefers it, then SMS, then email; WhatsApp consent is apart from SMS consent', () => {
    expect(reachableChannel(customer({ preferredChannel: 'whatsapp' }))).toEqual({ channel: 'whatsapp', recipient: '+33612345678' });
    expect(reachableChannel(customer({ preferredChannel: 'whatsapp', whatsappOptedOut: true }))).toEqual({ channel: 'sms', recipient: '+33612345678' });
    expect(reachableChannel(customer({ preferredChannel: 'whatsapp', whatsappOptedOut: true, smsOptedOut: true }))).toEqual({ channel: 'email', recipient: 'ada@example.com' });
    expect(reachableChannel(customer({ whatsappOptedOut: true }))).toEqual({ channel: 'sms', recipient: '+33612345678' });
    expect(reachableChannel(customer({ preferredChannel: 'whatsapp', smsOptedOut: true }))).toEqual({ channel: 'whatsapp', recipient: '+33612345678' });
  });

  it('falls back from WhatsApp to SMS, from SMS to email and from email to SMS', () => {
    expect(['whatsapp', 'sms', 'email'].map((c) => otherChannel(c as 'sms'))).toEqual(['sms', 'email', 'sms']);
  });
});
