import { Counter } from 'prom-client';
import { metricsRegistry } from '@herald/observability';
import type { PurgeCounts } from '@herald/persistence';

/** The label each kind of purged thing carries on `herald_retention_purged_total`. */
export const PURGED_KINDS: Record<keyof PurgeCounts, string> = {
  orders: 'orders',
  notifications: 'notifications',
  events: 'events',
  webhookDeliveries: 'webhook_deliveries',
  exportDays: 'export_days',
  exportFiles: 'export_files',
};

/** What a worker's share of the daily purge deleted, for its `/metrics`: by kind, never by merchant. */
export const retentionMetrics = {
  purged: new Counter<'kind'>({
    name: 'herald_retention_purged_total',
    help: 'Rows and files the daily retention purge deleted, by kind (orders, notifications, events, webhook_deliveries, export_days, export_files)',
    labelNames: ['kind'],
    registers: [metricsRegistry],
  }),
  runs: new Counter<'outcome'>({
    name: 'herald_retention_runs_total',
    help: 'Daily retention purges this worker finished (one a day across all workers)',
    labelNames: ['outcome'],
    registers: [metricsRegistry],
  }),
};

export function countPurged(purged: Partial<PurgeCounts>): void {
  for (const [kind, count] of Object.entries(purged) as [keyof PurgeCounts, number][]) {
    if (count) retentionMetrics.purged.inc({ kind: PURGED_KINDS[kind] }, count);
  }
}
