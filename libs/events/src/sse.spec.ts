import { SSE_HEARTBEAT, sseEvent, ssePreamble } from './sse';

/** Parses frames the way the HTML spec's event-stream interpreter does, for the fields Herald uses. */
function parse(stream: string): { id?: string; event?: string; data?: string; retry?: string; comment?: string }[] {
  return stream
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const frame: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        else {
          const colon = line.indexOf(':');
          frame[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
        }
      }
      return frame;
    });
}

describe('server-sent events format', () => {
  it('writes one event as id, event and a single data line', () => {
    const frame = sseEvent('abc', 'notification.sent', { text: 'line one\nline two', n: 1 });
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(frame.split('\n').filter((line) => line.startsWith('data:'))).toHaveLength(1);
    const [event] = parse(frame);
    expect(event).toEqual({ id: 'abc', event: 'notification.sent', data: '{"text":"line one\\nline two","n":1}' });
    expect(JSON.parse(event.data!)).toEqual({ text: 'line one\nline two', n: 1 });
  });

  it('opens with a retry hint and the position, and heartbeats as a comment', () => {
    expect(parse(ssePreamble(2000, 'start') + SSE_HEARTBEAT)).toEqual([{ retry: '2000', id: 'start' }, { comment: 'heartbeat' }]);
  });
});
