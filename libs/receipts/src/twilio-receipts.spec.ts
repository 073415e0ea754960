import { receiptFromTwilioStatus, twilioStatusQuery } from './twilio-receipts';

const notificationId = '7c1f0a3e-5b2d-4c8e-9f10-2a3b4c5d6e7f';
const callback = (MessageStatus: string, extra: Record<string, string> = {}) => ({
  MessageSid: 'SM0123456789abcdef0123456789abcdef',
  MessageStatus,
  From: '+15005550006',
  To: '+33612345678',
  ...extra,
});

describe('Twilio status callback → receipt', () => {
  it('reads delivered as delivered, for the notification named in the callback URL', () => {
    expect(receiptFromTwilioStatus({ notificationId }, callback('delivered'))).toMatchObject({
      provider: 'twilio',
      notificationId,
      providerMessageId: 'SM0123456789abcdef0123456789abcdef',
      outcome: { status: 'delivered' },
    });
  });

  it.each(['undelivered', 'failed'])('reads %s as undelivered with the error code and its meaning', (status) => {
    expect(receiptFromTwilioStatus({ notificationId }, callback(status, { ErrorCode: '30003' }))?.outcome).toEqual({
      status: 'undelivered',
      reason: null,
      error: 'Unreachable destination handset',
      errorCode: '30003',
    });
  });

  it('gives error 21610 the reason opted_out, and an unknown code a readable error', () => {
    expect(receiptFromTwilioStatus({}, callback('undelivered', { ErrorCode: '21610' }))?.outcome).toMatchObject({ reason: 'opted_out', errorCode: '21610' });
    expect(receiptFromTwilioStatus({}, callback('failed', { ErrorCode: '39999' }))?.outcome).toMatchObject({
      error: 'Twilio reported the message failed (error 39999)',
    });
  });

  it.each(['accepted', 'queued', 'sending', 'sent', 'canceled', 'read'])('records nothing for %s', (status) => {
    expect(receiptFromTwilioStatus({ notificationId }, callback(status))).toBeNull();
  });

  it('treats a notificationId Herald did not make as absent', () => {
    expect(twilioStatusQuery.parse({ notificationId: "1' OR 1=1" })).toEqual({ notificationId: undefined });
  });
});
