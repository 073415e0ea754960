import type { OrderSummary } from './order-data';
import { newerList, newerOf } from './order-merge';

type Status = OrderSummary['notifications'][number]['status'];

function order(id: string, confirmation: { status: Status; updatedAt: string }): OrderSummary {
  return {
    id,
    reference: `R-${id}`,
    pickupAt: '2026-12-08T10:00:00.000Z',
    notifications: [{ id: `${id}-c`, kind: 'confirmation', channel: 'sms', statusReason: null, scheduledFor: null, sentAt: null, ...confirmation }],
  } as unknown as OrderSummary;
}

describe('merging what the console reads with what it shows', () => {
  it('keeps a status the page already shows as sent when a read that started earlier answers queued', () => {
    const shown = order('a', { status: 'sent', updatedAt: '2026-12-07T10:00:02.000Z' });
    const late = order('a', { status: 'queued', updatedAt: '2026-12-07T10:00:01.000Z' });
    expect(newerOf(shown, late).notifications[0].status).toBe('sent');
  });

  it('takes the read where it is the later change, and the read alone when the page showed nothing', () => {
    const shown = order('a', { status: 'queued', updatedAt: '2026-12-07T10:00:01.000Z' });
    const read = order('a', { status: 'sent', updatedAt: '2026-12-07T10:00:02.000Z' });
    expect(newerOf(shown, read).notifications[0].status).toBe('sent');
    expect(newerOf(undefined, read)).toBe(read);
  });

  it('keeps the list as read (an order gone from it goes), each order merged with the one shown', () => {
    const shown = [order('a', { status: 'sent', updatedAt: '2026-12-07T10:00:02.000Z' }), order('b', { status: 'queued', updatedAt: '2026-12-07T10:00:00.000Z' })];
    const read = [order('a', { status: 'queued', updatedAt: '2026-12-07T10:00:01.000Z' }), order('c', { status: 'scheduled', updatedAt: '2026-12-07T10:00:00.000Z' })];
    expect(newerList(shown, read).map((o) => [o.id, o.notifications[0].status])).toEqual([
      ['a', 'sent'],
      ['c', 'scheduled'],
    ]);
  });
});
