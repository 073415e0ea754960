import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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

export const deliveryOutcomes = new Counter({
  name: 'herald_delivery_outcomes_total',
  help: 'Send attempts by queue, channel and outcome',
  labelNames: ['queue', 'outcome'],
  registers: [metricsRegistry],
});
