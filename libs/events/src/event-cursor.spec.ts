import { parseEnvironment } from '@herald/config';
import { EventCursors } from './event-cursor';

const MERCHANT = '8f14e45f-ceea-4e7a-9f4b-8d1e3f2a1b0c';
const OTHER_MERCHANT = '1c4f9a2e-5b6d-4e8f-9a0b-1c2d3e4f5a6b';

describe('event cursors', () => {
  const cursors = new EventCursors(parseEnvironment({}));

  it('round-trips a position, the same one always giving the same id', () => {
    const position = { xid: 123_456_789_012n, id: 98_765_432_109n };
    const cursor = cursors.encode(MERCHANT, position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(cursors.decode(MERCHANT, cursor)).toEqual(position);
    expect(cursors.encode(MERCHANT, position)).toBe(cursor);
  });

  it('reveals nothing: neighbouring events get unrelated ids', () => {
    const a = cursors.encode(MERCHANT, { xid: 1000n, id: 1n });
    const b = cursors.encode(MERCHANT, { xid: 1000n, id: 2n });
    const shared = [...a].filter((char, i) => b[i] === char).length;
    expect(shared).toBeLessThan(10);
    expect(a).not.toContain('1000');
  });

  it("refuses another merchant's cursor, a tampered one and garbage with invalid_cursor", () => {
    const cursor = cursors.encode(MERCHANT, { xid: 5n, id: 7n });
    expect(() => cursors.decode(OTHER_MERCHANT, cursor)).toThrow(expect.objectContaining({ code: 'invalid_cursor', kind: 'invalid' }));
    const tampered = (cursor[0] === 'A' ? 'B' : 'A') + cursor.slice(1);
    expect(() => cursors.decode(MERCHANT, tampered)).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    for (const junk of ['', 'x', 'not a cursor at all, clearly not', '0'.repeat(32), cursor + 'A']) {
      expect(() => cursors.decode(MERCHANT, junk)).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    }
  });

  it('depends on SECRET_KEY: a cursor from a deployment with another key is refused', () => {
    const other = new EventCursors(parseEnvironment({ SECRET_KEY: 'another-secret-key-of-at-least-32-characters' }));
    expect(() => other.decode(MERCHANT, cursors.encode(MERCHANT, { xid: 5n, id: 7n }))).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
  });
});
