import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DCLinter } from 'dclint';
import { parse, parseDocument, stringify, YAMLMap } from 'yaml';
import { ROOT } from '../support/test-environment';

const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const CLUSTER_FILE = join(ROOT, 'docker-compose.cluster.yml');
const composeText = readFileSync(COMPOSE_FILE, 'utf8');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/**
 * The Compose specification's JSON schema (dclint ships it and validates every file against it first), plus dclint's
 * correctness rules. Its style rules (key order, quoting) are off, and so is `no-unbound-port-interfaces`: the proxy's
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
const writeTemporary = (name: string, text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'herald-compose-')), name);
  writeFileSync(file, text);
  return file;
};

/** The variables of README's configuration table. */
function documentedVariables(): string[] {
  const readme = read('README.md');
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Operations'));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => line.split('|')[1].match(/`[A-Z0-9_]+`/g) ?? [])
    .map((name) => name.slice(1, -1));
}

type Model = Record<string, any>;

/**
 * `docker compose -f docker-compose.yml -f <override>`: the override merged into the base by the Compose
 * specification's rules, as far as these files use them. Mappings merge, sequences append, `command`, `entrypoint`
 * and `healthcheck.test` are replaced, and a service key tagged `!override` replaces the base's value.
 */
function mergeCompose(base: Model, overrideText: string): Model {
  const document = parseDocument(overrideText, { merge: true });
  const replaced = new Set<string>();
  for (const service of (document.get('services') as YAMLMap<{ value: string }, YAMLMap>).items) {
    for (const pair of service.value?.items ?? []) {
      if ((pair.value as { tag?: string })?.tag === '!override') replaced.add(`services.${service.key.value}.${(pair.key as { value: string }).value}`);
    }
  }
  const merge = (under: unknown, over: unknown, path: string): unknown => {
    if (replaced.has(path) || /\.(command|entrypoint|healthcheck\.test)$/.test(path)) return over;
    if (Array.isArray(under) && Array.isArray(over)) return [...under, ...over];
    if (isMapping(under) && isMapping(over)) {
      const merged: Model = { ...under };
      for (const [key, value] of Object.entries(over)) merged[key] = key in under ? merge(under[key], value, path ? `${path}.${key}` : key) : value;
      return merged;
    }
    return over;
  };
  const isMapping = (value: unknown): value is Model => typeof value === 'object' && value !== null && !Array.isArray(value);
  return merge(base, document.toJS(), '') as Model;
}

/** The services `docker compose up` starts: those without a profile. */
const activeServices = (model: Model) => Object.entries<Model>(model.services).filter(([, service]) => !service.profiles);

describe('docker-compose.yml', () => {
  const compose = parse(composeText, { merge: true });

  it('is a valid Compose file', () => {
    expect(problemsOf(COMPOSE_FILE)).toEqual([]);
  });

  it('would be caught if it were not (the schema is really applied)', () => {
    const broken = writeTemporary('docker-compose.yml', composeText.replace('    stop_grace_period: 30s', '    stop_grace_periode: 30s'));
    expect(problemsOf(broken)).toEqual([expect.stringContaining('invalid-schema')]);
  });

  it('passes every documented variable to the API and (but PORT) to the workers', () => {
    const documented = documentedVariables();
    expect(documented).toEqual(expect.arrayContaining(['JOB_ATTEMPTS', 'ADMIN_READONLY_USER', 'METRICS_AUTH', 'TRUST_PROXY', 'ADMIN_RATE_LIMIT']));
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

  it('runs two API replicas behind the proxy, which alone publishes a port, and three workers', () => {
    expect(compose.services.api.deploy.replicas).toBe(2);
    expect(compose.services.worker.deploy.replicas).toBe(3);
    const published = activeServices(compose).filter(([, service]) => service.ports);
    expect(published.map(([name]) => name)).toEqual(['proxy']);
    expect(compose.services.proxy.ports).toEqual(['${PORT:-3000}:80']);
    expect(compose.services.proxy.image).toMatch(/^nginx:1\.(2[89]|[3-9]\d)-alpine$/); // upstream `resolve` needs 1.27.3+
    expect(compose.services.proxy.volumes).toEqual(['./deploy/compose/nginx.conf:/etc/nginx/nginx.conf:ro']);
    expect(compose.services.proxy.depends_on).toEqual({ api: { condition: 'service_healthy' } });
    // One proxy in front: the API believes the client address it reports, and only that hop.
    expect(compose.services.api.environment.TRUST_PROXY).toBe('${TRUST_PROXY:-1}');
  });

  it('health-checks the proxy, the API and the workers, and lets each drain on stop', () => {
    expect(compose.services.api.healthcheck.test.join(' ')).toContain('/health/ready');
    expect(compose.services.worker.healthcheck.test.join(' ')).toMatch(/WORKER_METRICS_PORT.*\/health\/ready/);
    expect(compose.services.proxy.healthcheck.test).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/health/live']);
    expect(compose.services.worker.environment.WORKER_METRICS_PORT).toBeDefined();
    expect(compose.services.api.stop_grace_period).toBe('30s');
    expect(compose.services.worker.stop_grace_period).toBe('150s'); // above the drain bound deploy/k8s computes from the code
    expect(compose.services.proxy.stop_grace_period).toBe('15s'); // above nginx.conf's worker_shutdown_timeout
  });

  it('keeps queue state in Redis with AOF and noeviction, and Postgres in a volume', () => {
    const redis = compose.services.redis.command.join(' ');
    expect(redis).toContain('--appendonly yes');
    expect(redis).toContain('--maxmemory-policy noeviction');
    expect(compose.services.redis.volumes).toEqual(['redis-data:/data']);
    expect(compose.services.postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
  });

  it('migrates once, before any API or worker starts', () => {
    expect(compose.services.migrate.command).toEqual(['node', 'dist/libs/persistence/src/migrate.js']);
    expect(compose.services.migrate.restart).toBe('no');
    for (const app of ['api', 'worker']) expect(compose.services[app].depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
  });
});

interface NginxDirective {
  name: string;
  args: string[];
  block?: NginxDirective[];
}

/** nginx's configuration syntax, enough to read ours: directives, arguments (quotes removed), blocks, comments. */
function parseNginx(text: string): NginxDirective[] {
  const tokens = text.match(/#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[{};]|[^\s{};"'#]+/g) ?? [];
  let position = 0;
  const block = (): NginxDirective[] => {
    const directives: NginxDirective[] = [];
    let words: string[] = [];
    while (position < tokens.length) {
      const token = tokens[position++];
      if (token.startsWith('#')) continue;
      if (token === '}') return directives;
      if (token === ';' || token === '{') {
        directives.push({ name: words[0], args: words.slice(1), ...(token === '{' ? { block: block() } : {}) });
        words = [];
      } else {
        words.push(/^["']/.test(token) ? token.slice(1, -1) : token);
      }
    }
    return directives;
  };
  return block();
}

const all = (directives: NginxDirective[], name: string) => directives.filter((directive) => directive.name === name);
const only = (directives: NginxDirective[], name: string, ...args: string[]) => {
  const found = all(directives, name).filter((directive) => args.every((arg, i) => directive.args[i] === arg));
  expect(found).toHaveLength(1);
  return found[0];
};
/** nginx's time units, in seconds. */
const seconds = (time: string) => {
  const [, amount, unit] = /^(\d+)(ms|s|m|h|d)?$/.exec(time)!;
  return Number(amount) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[(unit ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
};

describe('deploy/compose/nginx.conf', () => {
  const main = parseNginx(read('deploy/compose/nginx.conf'));
  const http = only(main, 'http').block!;
  const server = only(http, 'server').block!;
  const locations = all(server, 'location');
  const stream = only(server, 'location', '=', '/v1/events/stream').block!;
  const compose = parse(composeText, { merge: true });

  it('listens where the proxy service publishes, and reaches every API replica by the service name', () => {
    expect(only(server, 'listen').args).toEqual([compose.services.proxy.ports[0].split(':').at(-1)]);
    const upstream = only(http, 'upstream', 'herald_api').block!;
    // `resolve`: Docker's DNS is asked again, so recreated or added replicas are found without a reload.
    expect(only(upstream, 'server').args).toEqual(expect.arrayContaining(['api:3000', 'resolve']));
    expect(only(http, 'resolver').args[0]).toBe('127.0.0.11');
    expect(compose.services.api.expose).toEqual(['3000']);
    for (const location of locations) expect(only(location.block!, 'proxy_pass').args).toEqual(['http://herald_api']);
  });

  it('tells the API the client address and scheme, on every route', () => {
    const headers = Object.fromEntries(all(server, 'proxy_set_header').map((directive) => directive.args));
    expect(headers).toMatchObject({ 'X-Forwarded-For': '$proxy_add_x_forwarded_for', 'X-Forwarded-Proto': '$scheme', Host: '$http_host' });
    // A location with a proxy_set_header of its own would inherit none of the server's.
    for (const location of locations) expect(all(location.block!, 'proxy_set_header')).toEqual([]);
  });

  it('passes live events through unbuffered, and keeps a quiet stream open far beyond its heartbeats', () => {
    expect(only(stream, 'proxy_buffering').args).toEqual(['off']);
    expect(only(stream, 'proxy_cache').args).toEqual(['off']);
    expect(seconds(only(stream, 'proxy_read_timeout').args[0])).toBeGreaterThanOrEqual(600);
    // The API's X-Accel-Buffering: no is honoured wherever it is sent, and nothing compresses (so holds back) a stream.
    const everywhere = [main, http, server, ...locations.map((location) => location.block!)].flat();
    expect(everywhere.filter((directive) => directive.name === 'proxy_ignore_headers')).toEqual([]);
    expect(everywhere.filter((directive) => directive.name === 'gzip' && directive.args[0] === 'on')).toEqual([]);
    // Keep-alive to the replicas, which HTTP/1.1 and an empty Connection header allow.
    expect(only(server, 'proxy_http_version').args).toEqual(['1.1']);
    expect(only(server, 'proxy_set_header', 'Connection').args).toEqual(['Connection', '']);
  });

  it('closes what is still open when stopped, before Docker kills it', () => {
    const shutdown = seconds(only(main, 'worker_shutdown_timeout').args[0]);
    expect(shutdown).toBeLessThan(seconds(compose.services.proxy.stop_grace_period));
  });

  it('logs no query strings (a browser stream carries its token in ?token=)', () => {
    const [, format] = only(http, 'log_format').args;
    expect(format).toContain('$uri');
    expect(format).not.toMatch(/\$(request|request_uri|args|query_string|arg_\w+)\b/);
    expect(only(http, 'access_log').args[1]).toBe(only(http, 'log_format').args[0]);
  });
});

describe('docker-compose.cluster.yml, over docker-compose.yml', () => {
  const clusterText = readFileSync(CLUSTER_FILE, 'utf8');
  const merged = mergeCompose(parse(composeText, { merge: true }), clusterText);
  const nodes = ['redis-1', 'redis-2', 'redis-3'];

  it('is a valid Compose file, alone and merged with docker-compose.yml', () => {
    expect(problemsOf(CLUSTER_FILE)).toEqual([]);
    expect(problemsOf(writeTemporary('docker-compose.yml', stringify(merged)))).toEqual([]);
  });

  it('runs Herald on the three masters instead of the single Redis, once the Cluster is formed', () => {
    for (const app of ['api', 'worker']) {
      const service = merged.services[app];
      expect(service.environment.REDIS_CLUSTER_NODES).toBe(nodes.map((node) => `${node}:6379`).join(','));
      expect(service.depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        'redis-cluster-init': { condition: 'service_completed_successfully' },
      });
      expect(Object.keys(service.environment)).toEqual(expect.arrayContaining(documentedVariables().filter((name) => name !== 'PORT')));
    }
    expect(merged.services.redis.profiles).toEqual(['single-redis']);
    for (const [, service] of activeServices(merged)) expect(Object.keys(service.depends_on ?? {})).not.toContain('redis');
    expect(merged.services.api.deploy.replicas).toBe(2);
    expect(merged.services.worker.deploy.replicas).toBe(3);
  });

  it('forms the Cluster once, from healthy nodes, and is a no-op on later starts', () => {
    const init = merged.services['redis-cluster-init'];
    const script = init.command.join(' ');
    expect(script).toContain(`redis-cli --cluster create ${nodes.map((node) => `${node}:6379`).join(' ')} --cluster-replicas 0 --cluster-yes`);
    expect(script).toMatch(/cluster_known_nodes.*\n\s*if \[ "\$\$known" -le 1 \]/); // $$: Compose leaves `$known` to the shell
    expect(script).toContain("grep -q '^cluster_state:ok'");
    expect(init.restart).toBe('no');
    expect(init.depends_on).toEqual(Object.fromEntries(nodes.map((node) => [node, { condition: 'service_healthy' }])));
  });

  it('runs each master in cluster mode with AOF and noeviction, announced by a name Herald can resolve, at a fixed address', () => {
    const settings = Object.fromEntries(
      read('deploy/compose/redis-cluster.conf')
        .split('\n')
        .filter((line) => line.trim() && !line.startsWith('#'))
        .map((line) => line.trim().split(/\s+/)),
    );
    expect(settings).toMatchObject({
      'cluster-enabled': 'yes',
      appendonly: 'yes',
      'maxmemory-policy': 'noeviction',
      'cluster-preferred-endpoint-type': 'hostname',
      'cluster-config-file': 'nodes.conf',
    });
    const [{ subnet, ip_range: dynamicRange }] = merged.networks.default.ipam.config;
    expect([subnet, dynamicRange]).toEqual(['172.30.77.0/24', '172.30.77.128/25']);
    for (const node of nodes) {
      const service = merged.services[node];
      expect(service.command).toEqual(['redis-server', '/usr/local/etc/redis/redis.conf', '--cluster-announce-hostname', node]);
      expect(service.volumes).toEqual(['./deploy/compose/redis-cluster.conf:/usr/local/etc/redis/redis.conf:ro', `${node}-data:/data`]);
      expect(merged.volumes).toHaveProperty(`${node}-data`);
      // Inside the subnet, outside the range Docker hands out to the other containers.
      const lastOctet = Number(/^172\.30\.77\.(\d+)$/.exec(service.networks.default.ipv4_address)?.[1]);
      expect(lastOctet).toBeGreaterThan(1);
      expect(lastOctet).toBeLessThan(128);
    }
  });
});

/** The Dockerfile as instructions (continuations joined, comments dropped), grouped by stage. */
function dockerfileStages(text: string): { name: string; from: string; instructions: { keyword: string; args: string }[] }[] {
  const stages: { name: string; from: string; instructions: { keyword: string; args: string }[] }[] = [];
  for (const line of text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (keyword.toUpperCase() === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ name, from, instructions: [] });
    } else if (stages.length) {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

function jsFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? jsFilesUnder(path) : path.endsWith('.js') ? [path] : [];
  });
}

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfileStages(dockerfile);
  const stage = (name: string) => stages.find((s) => s.name === name)!;
  const ignored = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('builds on a supported Node LTS line (an even major from 22 on)', () => {
    const major = Number(/^ARG NODE_IMAGE=node:(\d+)-bookworm-slim$/m.exec(dockerfile)?.[1]);
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
  });

  it('installs production dependencies in a stage of their own, and builds in another', () => {
    expect(stages.map((s) => [s.name, s.from])).toEqual([
      ['deps', '${NODE_IMAGE}'],
      ['build', '${NODE_IMAGE}'],
      ['runtime', '${NODE_IMAGE}'],
    ]);
    const runs = (name: string) => stage(name).instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs('deps')).toEqual([expect.stringMatching(/^npm ci (?=.*--omit=dev)(?=.*--omit=optional)(?=.*--ignore-scripts)/)]);
    expect(runs('build')).toEqual([expect.stringMatching(/^npm ci (?!.*--omit)/), 'npm run build']);
  });

  it('puts only production node_modules and the compiled apps and libs in the image, run as a non-root user', () => {
    const runtime = stage('runtime').instructions;
    expect(runtime.filter((i) => i.keyword === 'RUN')).toEqual([]);
    expect(runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args)).toEqual([
      '--from=deps /app/package.json ./package.json',
      '--from=deps /app/node_modules ./node_modules',
      '--from=build /app/dist/apps ./dist/apps',
      '--from=build /app/dist/libs ./dist/libs',
    ]);
    const user = runtime.findIndex((i) => i.keyword === 'USER');
    expect(runtime[user].args).toBe('node');
    expect(user).toBeGreaterThan(runtime.findLastIndex((i) => i.keyword === 'COPY'));
    expect(runtime.at(-1)).toEqual({ keyword: 'CMD', args: '["node", "dist/apps/api/src/main.js"]' });
  });

  it('compiles from sources the build context really sends, and leaves tests, benchmarks and secrets out of it', () => {
    const sources = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.sort()).toEqual(['apps', 'libs', 'package-lock.json', 'package-lock.json', 'package.json', 'package.json', 'scripts/build.js', 'tsconfig.base.json', 'tsconfig.build.json']);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect(ignored).not.toContain(source);
    }
    expect(ignored).toEqual(expect.arrayContaining(['test', 'bench', 'docs', 'deploy', '**/*.spec.ts', '**/*.e2e-spec.ts', 'node_modules', 'dist', '.env', '.env.*', '.git']));
    const build = JSON.parse(read('tsconfig.build.json'));
    expect(build.include).toEqual(['apps/**/*.ts', 'libs/**/*.ts']);
    expect(build.exclude).toEqual(expect.arrayContaining(['**/*.spec.ts', '**/*.e2e-spec.ts']));
  });

  it('needs no devDependency at run time: the compiled apps and libs require only dependencies and Node built-ins', () => {
    const { dependencies, devDependencies } = JSON.parse(read('package.json'));
    const required = new Set<string>();
    for (const file of [...jsFilesUnder(join(ROOT, 'dist/apps')), ...jsFilesUnder(join(ROOT, 'dist/libs'))]) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
        if (!specifier.startsWith('node:') && !builtinModules.includes(name)) required.add(name);
      }
    }
    expect(required.size).toBeGreaterThan(20);
    expect([...required].filter((name) => !(name in dependencies))).toEqual([]);
    expect([...required].filter((name) => name in devDependencies)).toEqual([]);
  });
});
