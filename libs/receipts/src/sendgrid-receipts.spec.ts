import { receiptFromSendGridEvent } from './sendgrid-receipts';

const notificationId = '7c1f0a3e-5b2d-4c8e-9f10-2a3b4c5d6e7f';
/** An event as SendGrid posts it, with Herald's custom arg at the top level. */
const event = (overrides: Record<string, unknown>) => ({
  email: 'zoe@example.com',
  timestamp: 1763800000,
  'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
  sg_event_id: 'ZGVsaXZlcmVkLTAtMTk5NDIxMTI',
  sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
  notificationId,
  ...overrides,
});

describe('SendGrid event → receipt', () => {
  it('reads delivered as delivered, for the notification named in the custom args', () => {
    expect(receiptFromSendGridEvent(event({ event: 'delivered', response: '250 OK' }))).toEqual({
      provider: 'sendgrid',
      notificationId,
      providerMessageId: 'LRzXl_NHStOGhQ4kofSm_A',
      outcome: { status: 'delivered' },
      detail: { provider: 'sendgrid', event: 'delivered', eventId: 'ZGVsaXZlcmVkLTAtMTk5NDIxMTI' },
    });
  });

  it('reads a bounce as undelivered/bounced, keeping the reason and the SMTP status', () => {
    const reason = '550 5.1.1 The email account that you tried to reach does not exist.';
    const receipt = receiptFromSendGridEvent(event({ event: 'bounce', type: 'bounce', reason, status: '5.1.1' }));
    expect(receipt?.outcome).toEqual({ status: 'undelivered', reason: 'bounced', error: reason, errorCode: '5.1.1' });
    expect(receipt?.detail).toMatchObject({ reason, smtpStatus: '5.1.1' });
  });

  it('reads a drop as undelivered/dropped', () => {
    expect(receiptFromSendGridEvent(event({ event: 'dropped', reason: 'Bounced Address' }))?.outcome).toEqual({
      status: 'undelivered',
      reason: 'dropped',
      error: 'Bounced Address',
      errorCode: null,
    });
  });

  it.each(['processed', 'deferred', 'open', 'click', 'spamreport', 'unsubscribe'])('records nothing for %s', (name) => {
    expect(receiptFromSendGridEvent(event({ event: name }))).toBeNull();
  });

  it('falls back to the message id when the custom arg is missing or is not an id Herald made', () => {
    for (const id of [undefined, 'not-a-uuid', 42]) {
      const receipt = receiptFromSendGridEvent(event({ event: 'delivered', notificationId: id }));
      expect(receipt).toMatchObject({ notificationId: null, providerMessageId: 'LRzXl_NHStOGhQ4kofSm_A' });
    }
  });

  it('ignores anything that is not an event', () => {
    for (const raw of [null, 'delivered', [], {}, { event: 7 }]) expect(receiptFromSendGridEvent(raw)).toBeNull();
  });
});
