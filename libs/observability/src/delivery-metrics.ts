import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics';

/** Seconds: from ten milliseconds (a reminder on time) to fifteen minutes (the longest retry backoff). */
const LATENESS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const PROVIDER_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * What a worker measures of each send, for its own `/metrics`. Label values are bounded: queues, providers, outcome
 * names and provider error codes, never ids or recipients.
 */
export const deliveryMetrics = {
  /** `attempt` is `first` or `retry`: retries are late by their backoff, on purpose. */
  lateness: new Histogram<'queue' | 'attempt'>({
    name: 'herald_send_lateness_seconds',
    help: "Time from a notification's due time to the provider call that sends it",
    labelNames: ['queue', 'attempt'],
    buckets: LATENESS_BUCKETS,
    registers: [metricsRegistry],
  }),
  /** `operation` is `send`, or `lookup` (asking the provider whether a crashed worker's send went through). */
  providerLatency: new Histogram<'provider' | 'operation'>({
    name: 'herald_provider_request_duration_seconds',
    help: 'Duration of calls to a provider, by provider and operation',
    labelNames: ['provider', 'operation'],
    buckets: PROVIDER_BUCKETS,
    registers: [metricsRegistry],
  }),
  /** `outcome` is `accepted`, `transient` (retried) or `permanent`; `code` is the provider's error code. */
  outcomes: new Counter<'provider' | 'outcome' | 'code'>({
    name: 'herald_provider_outcomes_total',
    help: 'Provider answers to sends, by provider, outcome and error code',
    labelNames: ['provider', 'outcome', 'code'],
    registers: [metricsRegistry],
  }),
  /**
   * An SMS that one provider failed (transiently, surely not taken) and the router sent through another in the same
   * attempt; `reason` is the first provider's error code.
   */
  smsFailovers: new Counter<'from' | 'to' | 'code'>({
    name: 'herald_sms_provider_failovers_total',
    help: 'SMS sent through another provider after one failed transiently, by providers and the first one’s error code',
    labelNames: ['from', 'to', 'code'],
    registers: [metricsRegistry],
  }),
  /** Observed by the API, where receipts land: from the provider's acceptance to its delivery receipt. */
  receiptDelay: new Histogram<'provider'>({
    name: 'herald_delivery_receipt_delay_seconds',
    help: 'Time from a provider accepting a message to its receipt saying it was delivered, by provider',
    labelNames: ['provider'],
    buckets: [1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600],
    registers: [metricsRegistry],
  }),
  lostClaims: new Counter<'queue'>({
    name: 'herald_lost_claims_total',
    help: 'Jobs that found their notification already claimed or finished by another worker',
    labelNames: ['queue'],
    registers: [metricsRegistry],
  }),
  /** `outcome`: `found` (already accepted, not resent), `resent` (not found, sent), `unverified` (no answer, sent). */
  takeovers: new Counter<'provider' | 'outcome'>({
    name: 'herald_takeovers_total',
    help: 'Sends taken over from a worker that died mid-send, by what the provider said',
    labelNames: ['provider', 'outcome'],
    registers: [metricsRegistry],
  }),
  /**
   * Test notifications (a test key's) handed to the log driver. Counted here alone: no metric of live sends (lateness,
   * provider calls and outcomes, dead letters) counts them.
   */
  testSends: new Counter<'channel'>({
    name: 'herald_test_sends_total',
    help: 'Test notifications (made with a test key) sent to the log driver, by channel; never counted among live sends',
    labelNames: ['channel'],
    registers: [metricsRegistry],
  }),
  deadLetters: new Counter<'queue' | 'code'>({
    name: 'herald_dead_letters_total',
    help: 'Notifications that failed for good and were parked in dead-letter, by original queue and error code',
    labelNames: ['queue', 'code'],
    registers: [metricsRegistry],
  }),
  /** `destination` is `slack` or `log`; `outcome` is `delivered` or `failed`. One message may cover many dead letters. */
  operatorAlerts: new Counter<'destination' | 'outcome'>({
    name: 'herald_operator_alerts_total',
    help: 'Alert messages sent to operators (Slack, or the log without SLACK_WEBHOOK_URL)',
    labelNames: ['destination', 'outcome'],
    registers: [metricsRegistry],
  }),
};
