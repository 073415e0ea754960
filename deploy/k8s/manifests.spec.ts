import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { HealthController } from '../../apps/api/src/controllers/health.controller';
import { parseEnvironment } from '@herald/config';
import { RECORD_SENT_ATTEMPTS, sentWriteWaitMs } from '@herald/delivery';
import { metricsRegistry, MonitoringServer, registerQueueDepth } from '@herald/observability';
import { POSTGRES_CONNECT_TIMEOUT_MS } from '@herald/persistence';
import { CAMPAIGN_QUEUES, SEND_QUEUES } from '@herald/queues';

const ROOT = join(__dirname, '../..');

/**
 * The schema validator for every kind deploy/k8s uses: kubernetes-models 4.5 (Kubernetes 1.27 OpenAPI schemas) and
 * @kubernetes-models/keda 0.4 (KEDA's ScaledObject CRD schema). A kind missing here fails the test: nothing goes
 * unvalidated. These check types, required fields and enums; they do not reject unknown fields, which the
 * cross-references below cover where it matters.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}

interface Container {
  name: string;
  image: string;
  command: string[];
  env?: { name: string; value: string }[];
  envFrom?: ({ configMapRef?: { name: string } } & { secretRef?: { name: string } })[];
  ports?: { name: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
}
type Probe = { httpGet: { path: string; port: string | number } };

const files = readdirSync(__dirname).filter((file) => file.endsWith('.yaml'));
const manifests: Manifest[] = files
  .filter((file) => file !== 'kustomization.yaml')
  .flatMap((file) => parseAllDocuments(readFileSync(join(__dirname, file), 'utf8')).map((doc) => ({ file, ...doc.toJSON() })));
const kustomization = parseYaml(readFileSync(join(__dirname, 'kustomization.yaml'), 'utf8'));

const find = (kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found;
};
const containerOf = (deployment: Manifest): Container => deployment.spec.template.spec.containers[0];
const envOf = (container: Container, name: string) => container.env?.find((e) => e.name === name)?.value;
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);
const portNumber = (container: Container, port: string | number) => (typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort);

/** Placeholders for what the herald-secrets Secret holds (the steps atop kustomization.yaml create it). */
const SECRET_PLACEHOLDERS = {
  DATABASE_URL: 'postgres://herald:secret@postgres:5432/herald',
  REDIS_URL: 'redis://:secret@redis:6379',
  ADMIN_USER: 'ops',
  ADMIN_PASSWORD: 'placeholder-operator-password',
  SECRET_KEY: 'placeholder-secret-key-of-at-least-32-characters',
};

/** The settings a pod starts with: the ConfigMap, placeholder credentials for the Secret, then its own env. */
const podEnvironment = (container: Container): Record<string, string> => ({
  ...find('ConfigMap', 'herald-config').data,
  ...SECRET_PLACEHOLDERS,
  ...Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value])),
});

describe('the Kubernetes manifests in deploy/k8s', () => {
  it('are every one valid against the schema of its kind', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const manifest of manifests) {
      const { file, ...object } = manifest;
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect({ file, kind: `${object.apiVersion}/${object.kind}`, known: Boolean(Model) }).toEqual({ file, kind: `${object.apiVersion}/${object.kind}`, known: true });
      expect(() => new Model(object as never).validate()).not.toThrow();
    }
  });

  it('catch a malformed manifest (the validator is not a no-op)', () => {
    const api = find('Deployment', 'herald-api');
    const broken = structuredClone({ ...api, file: undefined });
    broken.spec.template.spec.containers[0].ports[0].containerPort = '3000';
    delete broken.spec.selector;
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort must be integer|must have required property 'selector'/);
  });

  it('are all listed in kustomization.yaml, all in the herald namespace, all on the one image it sets', () => {
    expect([...kustomization.resources].sort()).toEqual(files.filter((file) => file !== 'kustomization.yaml').sort());
    for (const manifest of manifests) if (manifest.kind !== 'Namespace') expect({ [manifest.metadata.name]: manifest.metadata.namespace }).toEqual({ [manifest.metadata.name]: kustomization.namespace });
    const pods = manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job');
    for (const pod of pods) expect(pod.spec.template.spec.containers.map((c: Container) => c.image)).toEqual([kustomization.images[0].name]);
  });

  it('run the built entry points of the code, with the ConfigMap, the Secret and their own env making a valid configuration', () => {
    const commands = { 'herald-api': 'apps/api/src/main', 'herald-worker': 'apps/worker/src/main', 'herald-migrate': 'libs/persistence/src/migrate' };
    for (const [name, entry] of Object.entries(commands)) {
      const container = containerOf(find(name === 'herald-migrate' ? 'Job' : 'Deployment', name));
      expect(container.command).toEqual(['node', `dist/${entry}.js`]);
      expect(existsSync(join(ROOT, `${entry}.ts`))).toBe(true);
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'herald-config' } }, { secretRef: { name: 'herald-secrets' } }]);
      expect(() => parseEnvironment(podEnvironment(container))).not.toThrow();
    }
    // Credentials never sit in the ConfigMap: they come from the Secret, which is not in the repository.
    const keys = Object.keys(find('ConfigMap', 'herald-config').data ?? {});
    expect(keys.filter((key) => /PASSWORD|TOKEN|API_KEY|SECRET|DATABASE_URL|REDIS_URL|WEBHOOK_URL|ACCOUNT_SID/.test(key))).toEqual([]);
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    // The steps that create the Secret name everything production requires of it.
    const steps = readFileSync(join(__dirname, 'kustomization.yaml'), 'utf8');
    for (const key of Object.keys(SECRET_PLACEHOLDERS)) expect(steps).toContain(`--from-literal=${key}=`);
  });

  it('select their own pods: Deployments, Services and disruption budgets agree on labels', () => {
    const deployments = manifests.filter((m) => m.kind === 'Deployment');
    for (const deployment of deployments) expect(selects(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
    const podsOf = (selector: Record<string, string>) => deployments.filter((d) => selects(selector, d.spec.template.metadata.labels)).map((d) => d.metadata.name);
    for (const service of manifests.filter((m) => m.kind === 'Service')) {
      const [target] = podsOf(service.spec.selector);
      expect({ service: service.metadata.name, selects: podsOf(service.spec.selector) }).toEqual({ service: service.metadata.name, selects: [target] });
      const container = containerOf(find('Deployment', target));
      for (const port of service.spec.ports) expect(portNumber(container, port.targetPort)).toBe(port.port);
    }
    const budgets = manifests.filter((m) => m.kind === 'PodDisruptionBudget').map((pdb) => podsOf(pdb.spec.selector.matchLabels));
    expect(budgets.sort()).toEqual([['herald-api'], ['herald-worker']]);
  });

  it("probe /health/live and /health/ready on the API's PORT and on the worker's WORKER_METRICS_PORT", async () => {
    const expectProbes = (container: Container, port: number) => {
      for (const [probe, path] of [['startupProbe', '/health/live'], ['livenessProbe', '/health/live'], ['readinessProbe', '/health/ready']] as const) {
        expect({ probe, path: container[probe]?.httpGet.path, port: portNumber(container, container[probe]!.httpGet.port) }).toEqual({ probe, path, port });
      }
    };
    const api = containerOf(find('Deployment', 'herald-api'));
    expectProbes(api, parseEnvironment(podEnvironment(api)).port);
    const worker = containerOf(find('Deployment', 'herald-worker'));
    expectProbes(worker, parseEnvironment(podEnvironment(worker)).worker.metricsPort);

    // The API serves those paths (its health controller's routes) ...
    const base = Reflect.getMetadata(PATH_METADATA, HealthController);
    const routes = ['live', 'ready'].map((method) => `/${base}/${Reflect.getMetadata(PATH_METADATA, HealthController.prototype[method as 'live' | 'ready'])}`);
    expect(routes).toEqual(['/health/live', '/health/ready']);
    // ... and so does the worker's monitoring server, answering 200 on both when its dependencies are up.
    const server = await MonitoringServer.listen(0, async () => ({ ready: true, report: {} }), () => null);
    try {
      for (const path of ['/health/live', '/health/ready']) expect((await fetch(`http://127.0.0.1:${server.port}${path}`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("give a draining worker longer than the longest job can take, as the code bounds it", () => {
    const worker = containerOf(find('Deployment', 'herald-worker'));
    const providerTimeoutMs = parseEnvironment(podEnvironment(worker)).providerTimeoutMs;
    let sentWriteWaits = 0;
    for (let write = 1; write < RECORD_SENT_ATTEMPTS; write += 1) sentWriteWaits += sentWriteWaitMs(write);
    // A takeover's lookup (two provider timeouts at most: its deadline is checked between pages), the send (one),
    // then the 'sent' write's tries while Postgres is away: the waits, and up to a connection timeout for each try.
    const drainBoundMs = 3 * providerTimeoutMs + sentWriteWaits + RECORD_SENT_ATTEMPTS * POSTGRES_CONNECT_TIMEOUT_MS;
    expect(drainBoundMs).toBe(139_500); // with the ConfigMap's PROVIDER_TIMEOUT_MS=10000, as worker.yaml says
    expect(find('Deployment', 'herald-worker').spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainBoundMs);
  });

  it('scale the worker Deployment on the waiting jobs of each send queue, read from the API Service the way KEDA reads it', async () => {
    const scaler = find('ScaledObject', 'herald-worker');
    const worker = find('Deployment', 'herald-worker');
    expect(scaler.spec.scaleTargetRef).toEqual({ apiVersion: worker.apiVersion, kind: worker.kind, name: worker.metadata.name });
    expect(scaler.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(scaler.spec.maxReplicaCount).toBeGreaterThan(scaler.spec.minReplicaCount);

    const service = find('Service', 'herald-api');
    const apiMetrics = `http://${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local:${service.spec.ports[0].port}/metrics`;
    // What the API's /metrics shows for a backlog: 7 critical and 3000 bulk jobs waiting, 500 reminders delayed.
    const depth: { queue: string; counts: Record<string, number> }[] = [
      { queue: 'critical', counts: { waiting: 7, delayed: 500, active: 20 } },
      { queue: 'bulk', counts: { waiting: 3000, delayed: 0, active: 5 } },
      { queue: 'dead-letter', counts: { waiting: 0, failed: 2 } },
    ];
    registerQueueDepth(async () => depth);
    const exposition = await metricsRegistry.metrics();
    const read = (selector: string) => {
      const [, name, labels] = /^(\w+)\{(.*)\}$/.exec(selector) ?? [];
      const wanted = [...labels.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => `${key}="${value}"`);
      const line = exposition.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((pair) => l.includes(pair)));
      return line === undefined ? undefined : Number(line.split(' ').pop());
    };

    const triggers = scaler.spec.triggers;
    // The campaign queues' rate limit, not the number of pods, sets their pace: they buy no workers.
    const scaledQueues = SEND_QUEUES.filter((queue) => !(CAMPAIGN_QUEUES as readonly string[]).includes(queue));
    expect(triggers.map((t: any) => t.type)).toEqual(scaledQueues.map(() => 'metrics-api'));
    const values = triggers.map((t: any) => {
      expect(t.metadata).toMatchObject({ url: apiMetrics, format: 'prometheus' });
      expect(Number(t.metadata.targetValue)).toBeGreaterThan(0);
      return read(t.metadata.valueLocation);
    });
    expect(values).toEqual([7, 3000]); // one trigger per send queue, each on its waiting jobs, never the delayed ones
  });
});
