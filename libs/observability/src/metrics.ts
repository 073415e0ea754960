import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process; `/metrics` serves it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'herald_' });

export const httpRequestDuration = new Histogram({
  name: 'herald_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** Jobs per queue and state, read from Redis when scraped: backlog, delayed reminders, dead letters. */
export function registerQueueDepth(collect: () => Promise<{ queue: string; counts: Record<string, number> }[]>): void {
  new Gauge({
    name: 'herald_queue_jobs',
    help: 'Jobs per queue and state (waiting, delayed, active, failed, completed)',
    labelNames: ['queue', 'state'],
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      for (const { queue, counts } of await collect()) {
        for (const [state, count] of Object.entries(counts)) this.set({ queue, state }, count);
      }
    },
  });
}

/** Server-Sent Events streams open on this API instance, read when scraped. */
export function registerOpenStreams(count: () => number): void {
  new Gauge({
    name: 'herald_event_streams_open',
    help: 'Event streams (GET /v1/events/stream) open on this API instance',
    registers: [metricsRegistry],
    collect() {
      this.set(count());
    },
  });
}
