/** Server-Sent Events wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

/** One event: its id (what `Last-Event-ID` sends back), its type and its data, which is one line of JSON. */
export function sseEvent(id: string, type: string, data: unknown): string {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The first frame: how long a client waits before reconnecting, and where it stands. An `id` with no data dispatches
 * nothing, but the browser remembers it, so a stream that dropped before its first event still resumes from here.
 */
export function ssePreamble(retryMs: number, id: string): string {
  return `retry: ${retryMs}\nid: ${id}\n\n`;
}

/** A comment line: keeps proxies and load balancers from closing an idle stream; clients ignore it. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

/**
 * An event with no `id`: dispatched like any other, while the browser keeps the last event id it had, so a later
 * reconnection still resumes after the last status change it saw.
 */
export function sseNotice(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
