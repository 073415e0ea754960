import { decodeCursor, encodeCursor } from './page-cursor';

const cursorOf = (createdAt: unknown, id: unknown) => Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
const ID = '8f14e45f-ceea-4e7a-9f4b-8d1e3f2a1b0c';

describe('page cursor', () => {
  it('round-trips the sort key of the last row', () => {
    const cursor = { createdAt: new Date('2026-11-22T10:00:00.123Z'), id: ID };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['garbage', 'garbage'],
    ['a date that is not one', cursorOf('not a date', ID)],
    ['an id of 36 dashes', cursorOf('2026-11-22T10:00:00.000Z', '-'.repeat(36))],
    ['an id of 35 hex digits and a dash', cursorOf('2026-11-22T10:00:00.000Z', `${'a'.repeat(35)}-`)],
    ['an id one digit short', cursorOf('2026-11-22T10:00:00.000Z', ID.slice(0, 35))],
    ['an id that is a number', cursorOf('2026-11-22T10:00:00.000Z', 7)],
    ['a date of 5000 BC', cursorOf(new Date(Date.UTC(-5000, 0, 1)).toISOString(), ID)],
    ['a date in year 275760', cursorOf('+275760-09-13T00:00:00.000Z', ID)],
    ['a date that is a number', cursorOf(0, ID)],
    ['an object', Buffer.from(JSON.stringify({ createdAt: '2026-11-22T10:00:00.000Z', id: ID })).toString('base64url')],
    ['a longer array', Buffer.from(JSON.stringify(['2026-11-22T10:00:00.000Z', ID, 1])).toString('base64url')],
  ])('refuses %s with a stable code', (_what, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
  });
});
