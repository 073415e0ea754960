import type { LoggedEvent } from '@herald/persistence';
import { eventType, toLiveEvent } from './live-event';

const logged = (overrides: Partial<LoggedEvent>): LoggedEvent => ({
  id: '42',
  orderXid: '1000',
  merchantId: 'm',
  notificationId: 'n-1',
  orderId: 'o-1',
  kind: 'confirmation',
  channel: 'sms',
  recipient: '+33612345678',
  status: 'sent',
  at: new Date('2026-11-22T10:00:00.123Z'),
  detail: null,
  notificationStatusReason: null,
  notificationErrorCode: null,
  test: false,
  ...overrides,
});

describe('live event shape', () => {
  it('carries the send facts from the history row, masks the recipient and never the body', () => {
    const event = toLiveEvent(logged({ detail: { provider: 'twilio', providerMessageId: 'SM1', body: 'secret text' } }), 'evt');
    expect(event).toEqual({
      id: 'evt',
      notificationId: 'n-1',
      orderId: 'o-1',
      kind: 'confirmation',
      channel: 'sms',
      status: 'sent',
      at: '2026-11-22T10:00:00.123Z',
      provider: 'twilio',
      providerMessageId: 'SM1',
      to: '+33*******78',
      test: false,
    });
  });

  it('says, always, whether the event is a test notification’s', () => {
    expect(toLiveEvent(logged({ test: true, detail: { provider: 'log' } }), 'e')).toMatchObject({ provider: 'log', test: true });
    expect(toLiveEvent(logged({ detail: null }), 'e')).toHaveProperty('test', false);
  });

  it('gives a failed try its attempt and error code, and a skip its reason', () => {
    expect(toLiveEvent(logged({ status: 'queued', detail: { attempt: 2, provider: 'twilio', code: '20500', error: 'boom' } }), 'e')).toMatchObject({
      attempt: 2,
      errorCode: '20500',
    });
    expect(toLiveEvent(logged({ status: 'skipped', detail: { reason: 'opted_out' } }), 'e').statusReason).toBe('opted_out');
    expect(toLiveEvent(logged({ status: 'sending', detail: { reason: 'not a status reason' } }), 'e').statusReason).toBeUndefined();
  });

  it("takes an undelivered event's reason and code from its notification", () => {
    const event = toLiveEvent(
      logged({ status: 'undelivered', recipient: 'jane@shop.fr', detail: { provider: 'sendgrid' }, notificationStatusReason: 'bounced', notificationErrorCode: '5.1.1' }),
      'e',
    );
    expect(event).toMatchObject({ statusReason: 'bounced', errorCode: '5.1.1', to: 'j***@shop.fr' });
  });

  it('names the type after the status', () => {
    expect(eventType('delivered')).toBe('notification.delivered');
  });
});
