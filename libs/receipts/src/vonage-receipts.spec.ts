import { receiptFromVonageStatus, vonageDeliveryReceipt, vonageNumber } from './vonage-receipts';

const notificationId = '7c1f0a3e-5b2d-4c8e-9f10-2a3b4c5d6e7f';
const receipt = (status: string, extra: Record<string, string> = {}) =>
  vonageDeliveryReceipt.parse({ messageId: '0A0000000123ABCD1', status, msisdn: '33612345678', to: '447700900001', 'client-ref': notificationId, ...extra });

describe('Vonage delivery receipt → receipt', () => {
  it('reads delivered as delivered, for the notification named in client-ref', () => {
    expect(receiptFromVonageStatus(receipt('delivered', { 'err-code': '0' }))).toMatchObject({
      provider: 'vonage',
      notificationId,
      providerMessageId: '0A0000000123ABCD1',
      outcome: { status: 'delivered' },
    });
  });

  it.each(['failed', 'rejected', 'expired'])('reads %s as undelivered with the error code and its meaning', (status) => {
    expect(receiptFromVonageStatus(receipt(status, { 'err-code': '3' }))?.outcome).toEqual({
      status: 'undelivered',
      reason: null,
      error: 'Absent subscriber (permanent)',
      errorCode: 'vonage_dlr_3',
    });
  });

  it('records nothing for accepted, buffered or unknown, and reads a client-ref Herald did not make as absent', () => {
    expect(receiptFromVonageStatus(receipt('accepted'))).toBeNull();
    expect(receiptFromVonageStatus(receipt('buffered'))).toBeNull();
    expect(receiptFromVonageStatus(receipt('delivered', { 'client-ref': 'order-42' }))?.notificationId).toBeNull();
  });

  it('gives numbers back their + and leaves an alphanumeric sender id alone', () => {
    expect(vonageNumber('447700900001')).toBe('+447700900001');
    expect(vonageNumber('Herald')).toBe('Herald');
  });
});
