import { decodeCursor, encodeCursor } from './page-cursor';

describe('page cursor', () => {
  it('round-trips the sort key of the last row', () => {
    const cursor = { createdAt: new Date('2026-11-22T10:00:00.123Z'), id: '8f14e45f-ceea-4e7a-9f4b-8d1e3f2a1b0c' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('refuses a cursor it did not make with a stable code', () => {
    expect(() => decodeCursor('garbage')).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    expect(() => decodeCursor(Buffer.from('["not a date","x"]').toString('base64url'))).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
  });
});
