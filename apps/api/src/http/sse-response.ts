import type { Request, Response } from 'express';
import type { StreamSink } from '@herald/events';

/**
 * Headers that keep every proxy on the way from buffering or transforming the stream. Any origin may read it: a
 * merchant's dashboard opens it from its own site with a stream token, and no cookie or other ambient credential is
 * involved.
 */
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
  'access-control-allow-origin': '*',
};

/** Starts an event-stream response and adapts it to the stream's sink. */
export function startEventStream(request: Request, response: Response): StreamSink {
  response.writeHead(200, SSE_HEADERS);
  response.flushHeaders();
  // Every frame goes out at once (no Nagle delay), and an idle stream is never timed out by the server.
  request.socket.setNoDelay(true);
  request.socket.setTimeout(0);
  return {
    write: (frame) => response.write(frame),
    get buffered() {
      return response.writableLength;
    },
    get closed() {
      return response.writableEnded || response.destroyed;
    },
    drained: () =>
      new Promise<void>((resolve) => {
        if (!response.writableNeedDrain || response.destroyed) return resolve();
        response.once('drain', resolve);
        response.once('close', resolve);
      }),
    onClose: (listener) => response.once('close', listener),
    close: () => response.end(),
  };
}
