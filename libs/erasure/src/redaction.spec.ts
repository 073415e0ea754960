import { redactEventDetail } from './event-detail-redaction';
import { redactStoredAnswer } from './stored-answer-redaction';

describe('what an erasure takes out of free-form data', () => {
  describe('a history event’s detail', () => {
    it('loses a provider’s error, a lookup’s message and a bounce’s words, and keeps codes, counts and times', () => {
      const failed = { attempt: 2, provider: 'twilio', code: '21211', error: "The 'To' number 06 12 34 56 78 is not valid", permanent: true };
      expect(redactEventDetail(failed)).toEqual({ attempt: 2, provider: 'twilio', code: '21211', permanent: true });
      const takeover = { takeover: 'unverified', reason: 'takeover_unverified', lookupError: { code: '20003', message: 'no access to +33612345678' } };
      expect(redactEventDetail(takeover)).toEqual({ takeover: 'unverified', reason: 'takeover_unverified', lookupError: { code: '20003' } });
      const bounce = { provider: 'sendgrid', event: 'bounce', reason: '550 5.1.1 <ada@example.com>: Recipient address rejected', smtpStatus: '5.1.1' };
      expect(redactEventDetail(bounce)).toEqual({ provider: 'sendgrid', event: 'bounce', smtpStatus: '5.1.1' });
    });

    it('comes back as the same object when there is nothing to take out', () => {
      const moved = { rescheduled: { from: '2026-12-06T09:00:00.000Z', to: '2026-12-07T09:00:00.000Z' }, reason: 'quiet_hours', sender: '+15005550006' };
      expect(redactEventDetail(moved)).toBe(moved);
    });
  });

  describe('a stored answer of an idempotent request', () => {
    const subject = {
      customerId: '0b6f2d4e-7a1c-4e3b-9d5f-8c2a6e4b1f3d',
      notificationIds: new Set(['3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71']),
      contacts: new Set(['+33612345678', 'ada@example.com']),
    };

    it('blanks the customer, its notifications and any mention of its contacts, keeping ids, statuses and times', () => {
      const order = {
        id: 'a8b6e2d4-1c3f-4e5a-9b7d-2f4c6e8a0b1d',
        reference: 'A-1042',
        customer: { id: subject.customerId, name: 'Ada Lovelace', phone: '+33612345678', email: null, locale: 'en' },
        notifications: [
          {
            id: '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71',
            to: '+33612345678',
            status: 'dead',
            body: 'Hi Ada Lovelace, your order A-1042 is ready.',
            lastError: "The 'To' number +33612345678 is not valid",
            events: [{ status: 'dead', at: '2026-12-01T10:00:00.000Z', detail: { code: '21211', error: 'The number +33612345678 is not valid' } }],
          },
        ],
        note: { copy: 'ADA@example.com' },
      };
      expect(redactStoredAnswer(order, subject)).toEqual({
        id: order.id,
        reference: 'A-1042',
        customer: { id: subject.customerId, name: null, phone: null, email: null, locale: 'en' },
        notifications: [
          { id: order.notifications[0].id, to: '', status: 'dead', body: null, lastError: null, events: [{ status: 'dead', at: '2026-12-01T10:00:00.000Z', detail: { code: '21211' } }] },
        ],
        note: { copy: null },
      });
    });

    it('comes back as the same value when it names none of the customer’s data', () => {
      const other = { id: 'c1d2e3f4-0000-4000-8000-000000000001', customer: { id: 'c1d2e3f4-0000-4000-8000-000000000002', name: 'Ada', phone: '+33699999999' } };
      expect(redactStoredAnswer(other, subject)).toBe(other);
    });
  });
});
