import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import './delivery-metrics';
import { metricsRegistry, registerQueueDepth, registerSmsProviderHealth } from './metrics';

const DEPLOY = join(__dirname, '../../../deploy');

/** Every series name Herald's processes export, with its labels: the API's and the worker's, as registered at boot. */
function exportedSeries(): Map<string, Set<string>> {
  registerQueueDepth(async () => []); // the API registers it when its metrics controller starts
  registerSmsProviderHealth(async () => []); // registered at boot when SMS_PROVIDERS names two or more providers
  const series = new Map<string, Set<string>>();
  for (const metric of metricsRegistry.getMetricsAsArray() as unknown as { name: string; labelNames?: string[]; constructor: { name: string } }[]) {
    const labels = new Set(metric.labelNames ?? []);
    if (metric.constructor.name === 'Histogram') {
      series.set(`${metric.name}_bucket`, new Set([...labels, 'le']));
      series.set(`${metric.name}_sum`, labels);
      series.set(`${metric.name}_count`, labels);
    } else {
      series.set(metric.name, labels);
    }
  }
  return series;
}

/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['instance', 'job'];

/** Parse errors, unknown metric names and unknown label names in one PromQL expression. */
function problemsIn(expr: string, series: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  const text = (node: { from: number; to: number }) => expr.slice(node.from, node.to);
  const used = new Set<string>(TARGET_LABELS);
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) problems.push(`syntax error at ${node.from}: ${JSON.stringify(text(node) || expr.slice(node.from, node.from + 20))}`);
      if (node.name !== 'VectorSelector') return;
      const name = node.node.getChild('Identifier');
      if (!name) return void problems.push(`a selector without a metric name: ${text(node)}`);
      const labels = series.get(text(name));
      if (!labels) return void problems.push(`unknown metric ${text(name)}`);
      labels.forEach((label) => used.add(label));
      for (const matcher of node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = text(matcher.getChild('LabelName')!);
        if (!labels.has(label) && !TARGET_LABELS.includes(label)) problems.push(`${text(name)} has no label ${label}`);
      }
    },
  });
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name !== 'GroupingLabels') return;
      for (const label of node.node.getChildren('LabelName').map(text)) if (!used.has(label)) problems.push(`grouping by unknown label ${label}`);
    },
  });
  return problems;
}

describe('the Prometheus alerts and the Grafana dashboard in deploy/', () => {
  const series = exportedSeries();

  it('knows the metrics it checks against (the worker histograms and the API queue depth among them)', () => {
    expect(series.get('herald_send_lateness_seconds_bucket')).toEqual(new Set(['queue', 'attempt', 'le']));
    expect(series.has('herald_queue_jobs')).toBe(true);
    expect(problemsIn('rate(herald_nope_total[5m])', series)).toEqual(['unknown metric herald_nope_total']);
    expect(problemsIn('sum by (provdier) (rate(herald_provider_outcomes_total{outcom="accepted"}[5m]))', series)).toEqual([
      'herald_provider_outcomes_total has no label outcom',
      'grouping by unknown label provdier',
    ]);
    expect(problemsIn('sum(rate(herald_dead_letters_total[5m])', series)[0]).toMatch(/^syntax error/);
  });

  it('alerts on dead letters, lateness p99, provider error rate and queue depth, each valid PromQL over exported metrics', () => {
    const rules = parseYaml(readFileSync(join(DEPLOY, 'prometheus/alerts.yml'), 'utf8')).groups.flatMap((group: { rules: unknown[] }) => group.rules);
    const byName = new Map(rules.map((rule: { alert: string }) => [rule.alert, rule]));
    for (const needed of ['HeraldDeadLetters', 'HeraldCriticalLateness', 'HeraldProviderErrorRate', 'HeraldQueueBacklog']) expect(byName.has(needed)).toBe(true);
    expect((byName.get('HeraldCriticalLateness') as { expr: string }).expr).toContain('histogram_quantile(0.99');
    for (const rule of rules as { alert: string; expr: string; labels?: { severity?: string }; annotations?: { summary?: string } }[]) {
      expect({ alert: rule.alert, problems: problemsIn(rule.expr, series) }).toEqual({ alert: rule.alert, problems: [] });
      expect(rule.labels?.severity).toMatch(/^(info|warning|critical)$/);
      expect(rule.annotations?.summary).toBeTruthy();
    }
  });

  it('charts only exported metrics, in valid PromQL, through the dashboard datasource variable', () => {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/herald.json'), 'utf8'));
    const panels = dashboard.panels.filter((panel: { type: string }) => panel.type !== 'row');
    expect(new Set(dashboard.panels.map((panel: { id: number }) => panel.id)).size).toBe(dashboard.panels.length);
    const queried = new Set<string>();
    for (const panel of panels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) {
        expect({ panel: panel.title, expr: target.expr, problems: problemsIn(target.expr, series) }).toEqual({ panel: panel.title, expr: target.expr, problems: [] });
        for (const name of target.expr.match(/herald_\w+/g) ?? []) queried.add(name.replace(/_(bucket|sum|count)$/, ''));
      }
    }
    // Every worker metric and the API's queue depth and request latency have a panel.
    for (const name of [
      'herald_send_lateness_seconds',
      'herald_provider_request_duration_seconds',
      'herald_provider_outcomes_total',
      'herald_lost_claims_total',
      'herald_takeovers_total',
      'herald_dead_letters_total',
      'herald_operator_alerts_total',
      'herald_queue_jobs',
      'herald_http_request_duration_seconds',
    ]) {
      expect(queried).toContain(name);
    }
  });
});
