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

/** One SMS provider's health as the workers share it in Redis (see libs/sms-routing). */
export interface SmsProviderHealthView {
  provider: string;
  /** Its share now: the configured weight times how much of it the provider has earned back (0 while its breaker is open). */
  weight: number;
  breaker: 'closed' | 'half_open' | 'open';
  /** Recent transient failures among its sends, 0 to 1 (a moving average). */
  errorRate: number;
  /** Recent send latency, seconds (a moving average). */
  latencySeconds: number;
}

const BREAKER_VALUES = { closed: 0, half_open: 1, open: 2 } as const;

/** SMS providers' weight, breaker state (0 closed, 1 half-open, 2 open), error rate and latency, read from Redis when scraped. */
export function registerSmsProviderHealth(collect: () => Promise<SmsProviderHealthView[]>): void {
  // Once per process: a second registration of the same gauges would be refused by the registry.
  if (metricsRegistry.getSingleMetric('herald_sms_provider_weight')) return;
  // One read of Redis serves the four gauges of a scrape: the first gauge collected reads, the others reuse it.
  let reading: Promise<SmsProviderHealthView[]> | null = null;
  const read = () => (reading ??= collect().finally(() => setTimeout(() => (reading = null), 0)));
  const gauge = (name: string, help: string, value: (view: SmsProviderHealthView) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['provider'],
      registers: [metricsRegistry],
      async collect() {
        for (const view of await read()) this.set({ provider: view.provider }, value(view));
      },
    });
  gauge('herald_sms_provider_weight', 'Share of SMS traffic an SMS provider is given now (its configured weight, lowered while unhealthy)', (v) => v.weight);
  gauge('herald_sms_provider_breaker_state', "An SMS provider's circuit breaker: 0 closed, 1 half-open (probing), 2 open", (v) => BREAKER_VALUES[v.breaker]);
  gauge('herald_sms_provider_error_rate', 'Recent share of transient failures among sends to an SMS provider (moving average, 0 to 1)', (v) => v.errorRate);
  gauge('herald_sms_provider_latency_seconds', 'Recent latency of sends to an SMS provider (moving average)', (v) => v.latencySeconds);
}
