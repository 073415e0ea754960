import { listCustomersQuery } from './customer.dto';
import { listOrdersQuery } from './order.dto';

describe('list query fields', () => {
  it('reads a phone in any international format as E.164, including a `+` the URL turned into a space', () => {
    for (const phone of ['+33612345678', '+33 6 12 34 56 78', '0033612345678', ' 33612345678', '+33 (6) 12-34-56-78']) {
      expect(listCustomersQuery.parse({ phone }).phone).toBe('+33612345678');
    }
    for (const phone of ['12', '0612345678x', 'ada@example.com']) expect(listCustomersQuery.safeParse({ phone }).success).toBe(false);
  });

  it('reads an instant’s offset whose `+` the URL turned into a space, and refuses an instant with no offset or an empty range', () => {
    expect(listOrdersQuery.parse({ pickupFrom: '2026-12-07T10:00:00 01:00' }).pickupFrom).toEqual(new Date('2026-12-07T09:00:00Z'));
    expect(listOrdersQuery.parse({ createdTo: '2026-12-07T10:00:00.250-05:00' }).createdTo).toEqual(new Date('2026-12-07T15:00:00.250Z'));
    expect(listOrdersQuery.safeParse({ pickupFrom: '2026-12-07T10:00:00' }).success).toBe(false);
    expect(listOrdersQuery.safeParse({ createdFrom: '2026-12-08T00:00:00Z', createdTo: '2026-12-07T00:00:00Z' }).success).toBe(false);
    expect(listOrdersQuery.parse({ createdFrom: '2026-12-07T00:00:00Z', createdTo: '2026-12-08T00:00:00Z' }).limit).toBe(50);
  });
});
