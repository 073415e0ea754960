import type { CampaignEntity, CustomerRecord } from '@herald/persistence';
import { planChunk } from './campaign-fan-out.service';

const NOW = new Date('2026-12-01T10:00:00Z');

const campaign = (overrides: Partial<CampaignEntity> = {}): CampaignEntity => ({
  id: '7c1e5a3b-2d4f-4a6b-8c0e-9f1a3b5c7d2e',
  merchantId: '5d7e9f1a-3b2c-4d6e-8f0a-1b3c5d7e9f2a',
  name: 'Closed Monday',
  subject: null,
  body: 'Closed on Monday',
  locale: null,
  customerIds: null,
  sendAt: null,
  scheduledFor: NOW,
  fanoutCursor: null,
  fannedOutAt: null,
  skipped: {},
  cancelledAt: null,
  test: false,
  createdAt: NOW,
  updatedAt: NOW,
  ...overrides,
});

let sequence = 0;
const customer = (overrides: Partial<CustomerRecord> = {}): CustomerRecord => ({
  id: `00000000-0000-4000-8000-${String((sequence += 1)).padStart(12, '0')}`,
  merchantId: '5d7e9f1a-3b2c-4d6e-8f0a-1b3c5d7e9f2a',
  name: 'Ada',
  phone: '+33612345678',
  email: 'ada@example.com',
  locale: 'fr',
  preferredChannel: null,
  test: false,
  createdAt: NOW,
  erasedAt: null,
  smsOptedOut: false,
  emailOptedOut: false,
  whatsappOptedOut: false,
  smsOptedOutByCustomer: false,
  emailOptedOutByCustomer: false,
  whatsappOptedOutByCustomer: false,
  ...overrides,
});

describe('a campaign chunk', () => {
  it('gives each reachable customer one send on its channel, in its language, and counts the others by reason', () => {
    const customers = [
      customer(),
      customer({ preferredChannel: 'email', locale: 'ar' }),
      customer({ smsOptedOut: true, email: null, smsOptedOutByCustomer: true }),
      customer({ phone: null, email: null }),
      customer({ phone: null, email: null }),
    ];
    const { notifications, skipped } = planChunk(campaign(), 'Boulangerie Lune', customers, NOW);
    expect(notifications.map((n) => [n.channel, n.recipient, n.locale, n.customerId])).toEqual([
      ['sms', '+33612345678', 'fr', customers[0].id],
      ['email', 'ada@example.com', 'ar', customers[1].id],
    ]);
    expect(skipped).toEqual({ opted_out: 1, no_contact: 2 });
    expect(notifications.every((n) => n.kind === 'campaign' && n.priority === 'bulk' && n.status === 'queued' && n.campaignId === campaign().id)).toBe(true);
    expect(notifications.map((n) => n.test)).toEqual([false, false]);
  });

  it('makes a test campaign’s sends test sends: the log driver takes them', () => {
    const { notifications } = planChunk(campaign({ test: true }), 'Boulangerie Lune', [customer({ test: true }), customer({ test: true, preferredChannel: 'email' })], NOW);
    expect(notifications.map((n) => [n.channel, n.test])).toEqual([
      ['sms', true],
      ['email', true],
    ]);
  });

  it('gives an email of a written text a subject, and leaves a template’s to the template', () => {
    const [email] = planChunk(campaign(), 'Boulangerie Lune', [customer({ preferredChannel: 'email' })], NOW).notifications;
    expect(email).toMatchObject({ subject: 'Message from Boulangerie Lune', body: 'Closed on Monday' });
    const [templated] = planChunk(campaign({ body: null }), 'Boulangerie Lune', [customer({ preferredChannel: 'email' })], NOW).notifications;
    expect(templated).toMatchObject({ subject: null, body: null });
  });

  it('waits for a later send time, and forces the campaign’s language when it has one', () => {
    const later = new Date(NOW.getTime() + 3600_000);
    const [send] = planChunk(campaign({ scheduledFor: later, locale: 'es' }), 'Boulangerie Lune', [customer()], NOW).notifications;
    expect(send).toMatchObject({ status: 'scheduled', scheduledFor: later, locale: 'es' });
  });
});
