import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DCLinter } from 'dclint';
import { parse } from 'yaml';
import { ROOT } from '../support/test-environment';

const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const composeText = readFileSync(COMPOSE_FILE, 'utf8');

/**
 * The Compose specification's JSON schema (dclint ships it and validates every file against it first), plus dclint's
 * correctness rules. Its style rules (key order, quoting) are off, and so is `no-unbound-port-interfaces`: the API's
 * port is published on every interface on purpose.
 */
const linter = new DCLinter({
  rules: {
    'no-unbound-port-interfaces': 0,
    'no-quotes-in-volumes': 0,
    'require-quotes-in-ports': 0,
    'service-dependencies-alphabetical-order': 0,
    'service-keys-order': 0,
    'service-ports-alphabetical-order': 0,
    'services-alphabetical-order': 0,
    'top-level-properties-order': 0,
  },
  quiet: true,
  debug: false,
  exclude: [],
});
const problemsOf = (file: string) => linter.lintFiles([file], false)[0].messages.map((m) => `${m.rule}: ${m.message}`);

/** The variables of README's configuration table. */
function documentedVariables(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Operations'));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => line.split('|')[1].match(/`[A-Z0-9_]+`/g) ?? [])
    .map((name) => name.slice(1, -1));
}

describe('docker-compose.yml', () => {
  const compose = parse(composeText, { merge: true });

  it('is a valid Compose file', () => {
    expect(problemsOf(COMPOSE_FILE)).toEqual([]);
  });

  it('would be caught if it were not (the schema is really applied)', () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'herald-compose-')), 'docker-compose.yml');
    writeFileSync(broken, composeText.replace('    stop_grace_period: 30s', '    stop_grace_periode: 30s'));
    expect(problemsOf(broken)).toEqual([expect.stringContaining('invalid-schema')]);
  });

  it('passes every documented variable to the API and (but PORT) to the workers', () => {
    const documented = documentedVariables();
    expect(documented).toEqual(expect.arrayContaining(['JOB_ATTEMPTS', 'ADMIN_READONLY_USER', 'METRICS_AUTH']));
    expect(Object.keys(compose.services.api.environment)).toEqual(expect.arrayContaining(documented));
    expect(Object.keys(compose.services.worker.environment)).toEqual(expect.arrayContaining(documented.filter((name) => name !== 'PORT')));
  });

  it('requires admin credentials and a SECRET_KEY instead of shipping a default password or key', () => {
    expect(composeText).toMatch(/^ {2}ADMIN_USER: \$\{ADMIN_USER:\?[^}]+\}$/m);
    expect(composeText).toMatch(/^ {2}ADMIN_PASSWORD: \$\{ADMIN_PASSWORD:\?[^}]+\}$/m);
    expect(composeText).toMatch(/^ {2}SECRET_KEY: \$\{SECRET_KEY:\?[^}]+\}$/m);
    expect(composeText).not.toContain('change-me');
    expect(compose.services.api.environment.METRICS_AUTH).toBe('${METRICS_AUTH:-admin}');
  });

  it('health-checks the API and the workers, and lets both drain on stop', () => {
    expect(compose.services.api.healthcheck.test.join(' ')).toContain('/health/ready');
    expect(compose.services.worker.healthcheck.test.join(' ')).toMatch(/WORKER_METRICS_PORT.*\/health\/ready/);
    expect(compose.services.worker.environment.WORKER_METRICS_PORT).toBeDefined();
    expect(compose.services.api.stop_grace_period).toBe('30s');
    expect(compose.services.worker.stop_grace_period).toBe('150s'); // above the drain bound deploy/k8s computes from the code
  });

  it('builds on a supported Node LTS line (an even major from 22 on)', () => {
    const major = Number(/^ARG NODE_IMAGE=node:(\d+)-bookworm-slim$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1]);
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
  });
});
