import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ERROR_CODES } from '@herald/errors';
import { sendGridEventSignature } from '../fakes/sendgrid.fake';
import { launchChromium } from '../support/chromium';
import { twilioSignature } from '../fakes/twilio.fake';
import { vonageSignature } from '../fakes/vonage.fake';
import { ApiResponse, HeraldClient } from '../support/herald-client';
import { HeraldStack, startStack } from '../support/herald-stack';
import { ROOT } from '../support/test-environment';

jest.setTimeout(90_000);

const run = promisify(execFile);

type Schema = Record<string, any>;
interface Operation {
  path: string;
  method: string;
  parameters?: { name: string; in: string; example?: unknown; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema; examples?: Record<string, { summary: string; value: any }> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
  security?: Record<string, string[]>[];
  description?: string;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const basic = `Basic ${Buffer.from(`${HeraldClient.admin.user}:${HeraldClient.admin.password}`).toString('base64')}`;

describe('the OpenAPI document at /docs-json', () => {
  const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  let stack: HeraldStack;
  let docs: Schema;
  let operations: Operation[];

  beforeAll(async () => {
    stack = await startStack({ env: { SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridKeys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') } });
    docs = (await stack.client.request('GET', '/docs-json')).body;
    operations = Object.entries(docs.paths as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => HTTP_METHODS.includes(method))
        .map(([method, operation]) => ({ ...operation, path, method })),
    );
  });
  afterAll(() => stack?.stop());

  const component = (ref: string): Schema | undefined => docs.components.schemas[ref.replace('#/components/schemas/', '')];
  const label = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;

  it('documents a 2xx answer with a schema for every route (a named component or an inline schema; 204 has no body)', () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
    const problems: string[] = [];
    for (const op of operations) {
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (!success.length) problems.push(`${label(op)}: no 2xx answer`);
      for (const [status, response] of success) {
        if (status === '204') {
          if (response.content) problems.push(`${label(op)} 204 documents a body`);
          continue;
        }
        const contents = Object.entries(response.content ?? {});
        if (!contents.length) problems.push(`${label(op)} ${status}: no schema`);
        for (const [type, { schema }] of contents) {
          if (schema.$ref ? !component(schema.$ref) : !schema.type) problems.push(`${label(op)} ${status} ${type}: ${JSON.stringify(schema)}`);
        }
      }
      for (const [type, { schema }] of Object.entries(op.requestBody?.content ?? {})) {
        if (!schema.$ref || !component(schema.$ref)) problems.push(`${label(op)} request ${type}: not a named component`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('describes every field with an example, lists enums and error codes by value, and uses formats instead of patterns', () => {
    const problems: string[] = [];
    // Named components, enums and objects say it through what they hold.
    const selfDescribed = (schema: Schema) =>
      schema.$ref || schema.allOf || schema.enum || schema.properties || (schema.type === 'array' && (schema.items?.$ref || schema.items?.enum));
    const visit = (where: string, schema: Schema): void => {
      if (['date-time', 'email', 'uuid'].includes(schema.format) && schema.pattern) problems.push(`${where}: a pattern next to format ${schema.format}`);
      for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
        if (!property.description && !property.$ref) problems.push(`${where}.${name}: no description`);
        if (property.example === undefined && !selfDescribed(property)) problems.push(`${where}.${name}: no example`);
        visit(`${where}.${name}`, property);
      }
      if (schema.items) visit(`${where}[]`, schema.items);
    };
    for (const [name, schema] of Object.entries(docs.components.schemas as Record<string, Schema>)) {
      if (!schema.description) problems.push(`${name}: no description`);
      visit(name, schema);
    }
    for (const op of operations) for (const parameter of (op.parameters ?? []) as Schema[]) if (parameter.in === 'query') visit(`${label(op)}?${parameter.name}`, { properties: { [parameter.name]: { ...parameter.schema, description: parameter.description } } });
    expect(problems).toEqual([]);

    expect(docs.components.schemas.ErrorCode.enum).toEqual([...ERROR_CODES]);
    expect(docs.components.schemas.NotificationStatus.enum).toEqual(['scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'cancelled', 'skipped', 'dead']);
    expect(docs.components.schemas.CreateOrderRequest.properties.reminderBefore.description).toContain('ISO 8601 duration before pickup, e.g. P1D or PT2H');
    expect(docs.components.schemas.CreateOrderRequest.properties.pickupAt).toMatchObject({ format: 'date-time', description: expect.stringContaining('ISO 8601 with an offset') });
  });

  it('describes API keys as opaque hk_ strings, not JWTs', () => {
    expect(docs.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer', description: expect.stringContaining('`hk_`') });
  });

  it('is Herald\'s at /docs: its title in the tab, its name and introduction on the page, no Swagger UI bar, PUBLIC_URL as the server', async () => {
    // startStack gives the API PUBLIC_URL=<its own address>; unset, it would be http://localhost:<PORT>.
    expect(docs.servers).toEqual([{ url: stack.apiUrl, description: expect.stringContaining('PUBLIC_URL') }]);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${stack.apiUrl}/docs`);
      await page.locator('.info .title').getByText('Herald').waitFor();
      expect(await page.title()).toBe('Herald API');
      await expect(page.getByText('Herald sends a merchant\'s order confirmations and pickup reminders over SMS and email').isVisible()).resolves.toBe(true);
      await expect(page.locator('.topbar').isVisible()).resolves.toBe(false);
      await expect(page.locator('.servers select').inputValue()).resolves.toBe(stack.apiUrl);
    } finally {
      await browser.close();
    }
  });

  it('declares `security: []` on the routes that take no credentials (health, provider webhooks), and a scheme on every other', () => {
    const publicRoutes = operations.filter((op) => op.security?.length === 0).map(label);
    expect(publicRoutes.sort()).toEqual(['GET /health/live', 'GET /health/ready', 'POST /webhooks/sendgrid/events', 'POST /webhooks/twilio/inbound', 'POST /webhooks/twilio/status', 'POST /webhooks/vonage/inbound', 'POST /webhooks/vonage/status'].sort());
    const unsaid = operations.filter((op) => op.security === undefined).map(label);
    expect(unsaid).toEqual([]);
  });

  it('shows, for each error status of a route, one JSON example per code it names, each code with its own message', () => {
    const validator = new Ajv({ strict: false, allErrors: true });
    addFormats(validator);
    validator.addSchema({ components: docs.components }, 'docs');
    const validError = validator.compile({ $ref: 'docs#/components/schemas/Error' });
    const problems: string[] = [];
    const messageOf = new Map<string, string>();
    for (const op of operations) {
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => Number(s) >= 400)) {
        const where = `${label(op)} ${status}`;
        const named = [...response.description.matchAll(/`(\w+)`/g)].map(([, code]) => code).filter((code) => code !== 'code');
        const examples = (response.content?.['application/json'] as { examples?: Record<string, { value: any }> } | undefined)?.examples ?? {};
        if (Object.keys(response.content ?? {}).join() !== 'application/json') problems.push(`${where}: not JSON`);
        if (JSON.stringify(Object.keys(examples)) !== JSON.stringify(named)) problems.push(`${where}: examples ${Object.keys(examples)} for codes ${named}`);
        for (const [code, { value }] of Object.entries(examples)) {
          if (value.code !== code || value.statusCode !== Number(status)) problems.push(`${where} ${code}: ${JSON.stringify(value)}`);
          if (!validError(value)) problems.push(`${where} ${code}: ${validator.errorsText(validError.errors)}`);
          messageOf.set(code, value.message);
        }
      }
    }
    expect(problems).toEqual([]);
    // The issue: every error answer showed the same 422 about pickupAt.
    expect(messageOf.get('missing_api_key')).toBe('send your API key as Authorization: Bearer <key>');
    expect(messageOf.get('sms_sender_taken')).toContain('another merchant’s sender');
    const messages = [...messageOf.values()];
    expect(new Set(messages).size).toBe(messages.length);
    expect(messages.length).toBeGreaterThanOrEqual(40);
  });

  it("passes Redocly's recommended ruleset with no error, and its examples match their schemas", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'herald-openapi-lint-'));
    try {
      await writeFile(join(dir, 'openapi.json'), JSON.stringify(docs));
      const { stdout } = await run(process.execPath, [`${ROOT}/scripts/lint-openapi.mjs`, join(dir, 'openapi.json')]).catch((error: { stdout: string }) => error);
      const lines = stdout.trim().split('\n');
      const totals = JSON.parse(lines[lines.length - 1]);
      console.log(`Redocly recommended: ${totals.errors} errors, ${totals.warnings} warnings\n${lines.slice(0, -1).join('\n')}`);
      expect(lines.filter((line) => line.startsWith('error '))).toEqual([]);
      expect(totals.errors).toBe(0);
      expect(lines.filter((line) => /no-invalid-(media-type|parameter)-examples/.test(line))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says what a PATCH does once the reminder went out', () => {
    const patch = operations.find((op) => op.method === 'patch' && op.path === '/v1/orders/{id}')!;
    expect(patch.description).toContain('a changed `reminderBefore` alone changes no notification');
    expect(patch.description).toContain('a moved `pickupAt` schedules exactly one new reminder for the new time, linked to the one sent by `previousReminderId`');
  });

  /**
   * Sends every documented request example as it stands, as `merchant`, then every GET; returns what did not answer as
   * documented, how many examples were sent, and the id each POST to a collection created.
   */
  const tryEveryExample = async (merchant: HeraldClient) => {
    const validator = new Ajv({ strict: false, allErrors: true });
    addFormats(validator);
    validator.addSchema({ components: docs.components }, 'docs');
    const problems: string[] = [];
    let examples = 0;
    /**
     * The id of the last thing a POST to `/collection` created names `{id}` in `/collection/{id}/...`; any other path
     * parameter takes its schema's example (`/v1/templates/{kind}/{locale}`).
     */
    const created: Record<string, string> = {};
    const documentedExample = (op: Operation, name: string) => {
      const parameter = op.parameters?.find((p) => p.name === name);
      return parameter?.example ?? parameter?.schema?.example;
    };
    const concrete = (op: Operation) =>
      op.path
        .replace(/^(.*)\/\{id\}/, (_, collection: string) => `${collection}/${created[collection]}`)
        // Other path parameters (a day, a kind…) take their documented example.
        .replace(/\{(\w+)\}/g, (_, name: string) => String(documentedExample(op, name) ?? `{${name}}`));

    const credentials = (op: Operation): Record<string, string> => {
      const schemes = (op.security ?? []).flatMap((requirement) => Object.keys(requirement));
      if (schemes.includes('basic')) return { authorization: basic };
      return schemes.includes('bearer') ? { authorization: `Bearer ${merchant.apiKey}` } : {};
    };

    const send = async (op: Operation, type?: string, value?: unknown): Promise<ApiResponse> => {
      const headers: Record<string, string> = {};
      let body: string | undefined;
      const path = concrete(op);
      if (path.startsWith('/webhooks/vonage/') && value) {
        // Vonage signs the parameters themselves: the example is signed now, for the test's account, as Vonage would sign it.
        const params: Record<string, string> = { ...(value as Record<string, string>), 'api-key': stack.vonage.apiKey, timestamp: String(Math.floor(Date.now() / 1000)) };
        params.sig = vonageSignature(stack.vonage.signatureSecret, stack.vonage.signatureMethod, params);
        value = params;
      }
      if (type === 'application/x-www-form-urlencoded') {
        const params = value as Record<string, string>;
        body = new URLSearchParams(params).toString();
        headers['content-type'] = type;
        if (op.parameters?.some((p) => p.name === 'X-Twilio-Signature')) headers['X-Twilio-Signature'] = twilioSignature(stack.twilio.authToken, `${stack.apiUrl}${path}`, params);
      } else if (type) {
        body = JSON.stringify(value);
        headers['content-type'] = type;
        if (op.parameters?.some((p) => p.name === 'X-Twilio-Email-Event-Webhook-Signature')) {
          const timestamp = String(Math.floor(Date.now() / 1000));
          headers['X-Twilio-Email-Event-Webhook-Timestamp'] = timestamp;
          headers['X-Twilio-Email-Event-Webhook-Signature'] = sendGridEventSignature(sendgridKeys.privateKey, timestamp, body);
        }
      }
      return stack.client.request(op.method.toUpperCase(), path, body, { ...headers, ...credentials(op) });
    };

    const check = (op: Operation, what: string, response: ApiResponse) => {
      const documented = op.responses[String(response.status)];
      if (response.status < 200 || response.status > 299 || !documented) {
        problems.push(`${label(op)} ${what}: answered ${response.status} ${JSON.stringify(response.body)}`);
        return;
      }
      const [type, media] = Object.entries(documented.content ?? {})[0] ?? [];
      if (!media) {
        if (response.body !== null) problems.push(`${label(op)} ${what}: ${response.status} has an undocumented body`);
        return;
      }
      if (!response.headers.get('content-type')?.startsWith(type)) problems.push(`${label(op)} ${what}: content-type ${response.headers.get('content-type')}, documented ${type}`);
      const validate = validator.compile(media.schema.$ref ? { $ref: `docs${media.schema.$ref}` } : media.schema);
      if (!validate(response.body)) problems.push(`${label(op)} ${what}: the answer does not match its schema: ${validator.errorsText(validate.errors)}`);
    };

    // Collections first, so that `{id}` routes have something to name.
    const ordered = [...operations].sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));
    for (const op of ordered) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        const named = Object.entries(media.examples ?? {});
        if (!named.length) problems.push(`${label(op)} ${type}: no request example`);
        for (const [name, { value }] of named) {
          examples += 1;
          const response = await send(op, type, value);
          check(op, `example "${name}"`, response);
          if (op.method === 'post' && typeof response.body?.id === 'string') created[op.path] = response.body.id;
          // Customers come with their first order.
          if (op.path === '/v1/orders' && typeof response.body?.customer?.id === 'string') created['/v1/customers'] = response.body.customer.id;
        }
      }
    }
    // Erasures come from DELETE /v1/customers/{id}: of a customer of its own, so that the examples' one stays to be read.
    const leaving = await merchant.request('POST', '/v1/customers', { name: 'Leaving', phone: '+33699000777' });
    const erase = operations.find((op) => op.method === 'delete' && op.path === '/v1/customers/{id}')!;
    const erasure = await merchant.request('DELETE', `/v1/customers/${leaving.body.id}`);
    check(erase, 'of a customer of its own', erasure);
    created['/v1/erasures'] = erasure.body.id;
    /**
     * A route documented as `text/event-stream` stays open: it must answer 200 with that content type at once and
     * start with a frame (the `retry:` hint); then the test hangs up.
     */
    const streams = (op: Operation) => Boolean(op.responses['200']?.content?.['text/event-stream']);
    const checkStream = async (op: Operation) => {
      const hangUp = new AbortController();
      try {
        const response = await fetch(`${stack.apiUrl}${concrete(op)}`, { headers: credentials(op), signal: hangUp.signal });
        const first = await response.body!.getReader().read();
        const frame = new TextDecoder().decode(first.value);
        if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/event-stream') || !frame.startsWith('retry: ')) {
          problems.push(`${label(op)} stream: answered ${response.status} ${response.headers.get('content-type')}: ${frame}`);
        }
      } finally {
        hangUp.abort();
      }
    };
    for (const op of ordered.filter((o) => o.method === 'get')) {
      if (streams(op)) await checkStream(op);
      else check(op, 'GET', await send(op));
    }
    return { problems, examples, created };
  };

  it('accepts every documented request example as it stands, and answers every example and every GET as documented', async () => {
    const merchant = await stack.client.createMerchant({ name: 'Docs Reader' });
    const { problems, examples, created } = await tryEveryExample(merchant);
    expect(problems).toEqual([]);
    expect(examples).toBeGreaterThanOrEqual(12);
    // The examples did what they say: an order per example, moved by the PATCH example.
    const orders = await merchant.request('GET', `/v1/orders/${created['/v1/orders']}`);
    expect(orders.body.notifications.length).toBeGreaterThanOrEqual(2);
    expect(await stack.environment.query(`SELECT reference FROM orders WHERE merchant_id = $1 ORDER BY reference`, [merchant.merchantId])).toEqual([{ reference: 'A-1042' }, { reference: 'B-77' }, { reference: 'C-3' }]);
  });

  it('accepts every example from a second merchant too (no example holds something only one merchant can have)', async () => {
    await stack.client.createMerchant({ name: 'First Reader' }).then(tryEveryExample);
    const second = await stack.client.createMerchant({ name: 'Second Reader' });
    const { problems } = await tryEveryExample(second);
    expect(problems).toEqual([]);
    expect((await second.request('GET', '/v1/merchant')).body).toMatchObject({ emailSenderName: 'Boulangerie Lune' });
  });

  it('generates a typed client with openapi-typescript, and a program typed by it compiles, creates an order and reads a notification', async () => {
    const merchant = await stack.client.createMerchant({ name: 'Typed Client' });
    const dir = await mkdtemp(join(tmpdir(), 'herald-typed-client-'));
    try {
      await writeFile(join(dir, 'openapi.json'), JSON.stringify(docs));
      await run(process.execPath, [`${ROOT}/node_modules/openapi-typescript/bin/cli.js`, 'openapi.json', '--output', 'herald-api.d.ts'], { cwd: dir });
      const types = await readFile(join(dir, 'herald-api.d.ts'), 'utf8');
      expect(types).toContain('"application/json": components["schemas"]["Order"];');
      expect(types).not.toMatch(/"application\/json": unknown/);

      await writeFile(join(dir, 'client.ts'), TYPED_PROGRAM);
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { strict: true, skipLibCheck: true, target: 'ES2022', module: 'commonjs', lib: ['ES2023'], types: ['node'], typeRoots: [`${ROOT}/node_modules/@types`], outDir: 'out' },
          files: ['client.ts', 'herald-api.d.ts'],
        }),
      );
      const compiled = await run(process.execPath, [`${ROOT}/node_modules/typescript/bin/tsc`, '-p', dir]).then(
        () => 'compiled',
        (error: { stdout: string }) => error.stdout,
      );
      expect(compiled).toBe('compiled');

      const { stdout } = await run(process.execPath, [join(dir, 'out', 'client.js')], { env: { ...process.env, HERALD_URL: stack.apiUrl, HERALD_KEY: merchant.apiKey! } });
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({ reference: 'TYPED-1', status: 'scheduled', history: [expect.stringMatching(/^scheduled@/)], notFound: 'notification_not_found' });
      const order = await merchant.request('GET', `/v1/orders/${result.orderId}`);
      expect(order.body.notifications.map((n: any) => n.id)).toContain(result.notificationId);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A merchant's program, typed only by what openapi-typescript generated from /docs-json. */
const TYPED_PROGRAM = `
import type { components, paths } from './herald-api';

type CreateOrder = paths['/v1/orders']['post']['requestBody']['content']['application/json'];
type Order = paths['/v1/orders']['post']['responses'][201]['content']['application/json'];
type Notification = paths['/v1/notifications/{id}']['get']['responses'][200]['content']['application/json'];
type ErrorCode = components['schemas']['ErrorCode'];

const headers = { authorization: \`Bearer \${process.env.HERALD_KEY}\`, 'content-type': 'application/json' };

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(\`\${process.env.HERALD_URL}\${path}\`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(\`\${method} \${path} answered \${response.status}: \${await response.text()}\`);
  return (await response.json()) as T;
}

async function main(): Promise<void> {
  const request: CreateOrder = {
    reference: 'TYPED-1',
    customer: { name: 'Ada', phone: '+33612345678', locale: 'fr' },
    pickupAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
    reminderBefore: 'PT2H',
  };
  const order = await call<Order>('POST', '/v1/orders', request);
  const reference: string = order.reference;
  // @ts-expect-error: Order is the documented shape, not any
  order.noSuchField;
  const reminder = order.notifications.find((n) => n.kind === 'reminder');
  if (!reminder) throw new Error('the order has no reminder');
  const notification = await call<Notification>('GET', \`/v1/notifications/\${reminder.id}\`);
  const status: 'scheduled' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'cancelled' | 'skipped' | 'dead' = notification.status;
  const history: string[] = notification.events.map((event) => \`\${event.status}@\${event.at}\`);
  const notFound: ErrorCode = 'notification_not_found';
  // @ts-expect-error: error codes are an enum, not any string
  const unknownCode: ErrorCode = 'no_such_code';
  console.log(JSON.stringify({ orderId: order.id, reference, notificationId: notification.id, status, history, notFound, unknownCode }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;
