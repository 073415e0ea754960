import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeraldStack, startStack } from '../support/herald-stack';
import { ROOT } from '../support/test-environment';

jest.setTimeout(120_000);

/** A fenced ```sh block of the README, with the heading it sits under. ```sh no-run blocks are shown, not run. */
interface Block {
  line: number;
  heading: string;
  code: string;
  run: boolean;
}

function readmeBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let heading = '';
  let open: (Block & { lines: string[] }) | null = null;
  text.split('\n').forEach((line, index) => {
    if (open) {
      if (/^```\s*$/.test(line)) {
        blocks.push({ line: open.line, heading: open.heading, run: open.run, code: open.lines.join('\n') });
        open = null;
      } else open.lines.push(line);
      return;
    }
    const fence = /^```sh\b(.*)$/.exec(line);
    if (fence) open = { line: index + 1, heading, code: '', run: !fence[1].split(/\s+/).includes('no-run'), lines: [] };
    else if (/^#{2,3} /.test(line)) heading = line.replace(/^#+ /, '');
  });
  return blocks;
}

/**
 * What a block's comments say its answers look like: the statuses of `# → 201 {…}` lines, and their concrete
 * `"field":value` pairs (a value with `…` or `<…>` in it is a placeholder and says nothing).
 */
function documentedAnswers(code: string): { statuses: { line: number; status: number }[]; pairs: string[] } {
  const lines = code.split('\n');
  const statuses: { line: number; status: number }[] = [];
  const pairs: string[] = [];
  lines.forEach((line, index) => {
    if (!line.startsWith('# →')) return;
    let text = line;
    for (let next = index + 1; next < lines.length && /^# {2,}\S/.test(lines[next]); next += 1) text += lines[next];
    const status = /^# → (\d{3})\b/.exec(line);
    if (status) statuses.push({ line: index + 1, status: Number(status[1]) });
    for (const [, field, value] of text.matchAll(/"([A-Za-z]\w*)":("(?:[^"\\]|\\.)*"|true|false|null|-?\d+(?:\.\d+)?)/g)) {
      if (/…|</.test(value)) continue;
      pairs.push(`"${field}":${JSON.stringify(JSON.parse(value))}`);
    }
  });
  return { statuses, pairs };
}

/**
 * How the blocks run: each in a bash of its own (so each stands alone, as the README says), stopping at the first
 * failing command, and every curl answer outside 2xx is a failure (`--fail-with-body`). Each curl call also reports
 * on stderr the line it was called from and the status it got, for the documented statuses.
 */
const PRELUDE = `set -eo pipefail
curl() { command curl --fail-with-body --write-out "%{stderr}\\n[curl] \${BASH_LINENO[0]} %{http_code} %{method} %{url_effective}\\n" "$@"; }
`;
const PRELUDE_LINES = PRELUDE.split('\n').length - 1;

/** A curl call: the block's line it was made from (within the command, multi-line ones included) and its status. */
interface Call {
  line: number;
  status: number;
}

function runBash(code: string, env: Record<string, string>, timeoutMs: number): Promise<{ exitCode: number | null; output: string; calls: Call[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', PRELUDE + code], { env, cwd: ROOT, timeout: timeoutMs, killSignal: 'SIGKILL' });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const calls = [...output.matchAll(/^\[curl\] (\d+) (\d{3}) /gm)].map((m) => ({ line: Number(m[1]) - PRELUDE_LINES, status: Number(m[2]) }));
      resolve({ exitCode, output, calls });
    });
  });
}

describe('the README’s examples, run in order against a started Herald', () => {
  const blocks = readmeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const runnable = blocks.filter((block) => block.run);
  let stack: HeraldStack;
  let env: Record<string, string>;

  beforeAll(async () => {
    stack = await startStack();
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      LANG: 'C.UTF-8',
      // The README's variables: the API on its random port, the stack's admin, and a walk-through in seconds, not minutes.
      HERALD: stack.apiUrl,
      ADMIN_USER: stack.environment.env.ADMIN_USER!,
      ADMIN_PASSWORD: stack.environment.env.ADMIN_PASSWORD!,
      SOON: '4',
    };
  });
  afterAll(() => stack?.stop());

  it('finds the walk-through and every section’s examples, and marks only what cannot run here (npm start, an endless stream) no-run', () => {
    expect(runnable.map((block) => block.heading)).toEqual([
      'Walk-through',
      'Merchant settings',
      'Data retention',
      'Templates',
      'Customers and their preferences',
      'Finding orders and customers',
      'Erasing a customer',
      'WhatsApp',
      'Campaigns',
      'Frequency caps',
      'API keys',
      'Test keys',
      'Console',
      'Merchants and the audit log',
    ]);
    for (const block of blocks.filter((b) => !b.run)) expect(block.code).toMatch(/npm start|curl -N/);
    for (const block of runnable) {
      expect(block.code).not.toMatch(/localhost:3000\/|hk_\.\.\.|=\.\.\./);
      expect(block.code).toContain('HERALD=${HERALD:-http://localhost:3000}');
    }
  });

  for (const block of runnable) {
    it(`runs "${block.heading}" (README.md line ${block.line}): it exits 0, every answer is 2xx and what its comments show`, async () => {
      const { exitCode, output, calls } = await runBash(block.code, env, 100_000);
      const documented = documentedAnswers(block.code);
      // On failure, the message shows what the block printed.
      expect(`exit ${exitCode}\n${output.slice(-4000)}`).toMatch(/^exit 0\n/);
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.filter((call) => call.status < 200 || call.status > 299)).toEqual([]);
      // A `# → NNN` comment is about the last answer of the call just above it.
      const answered = documented.statuses.map(({ line }) => {
        const above = calls.filter((call) => call.line < line);
        return { line, status: above[above.length - 1]?.status };
      });
      expect(answered).toEqual(documented.statuses);
      expect(documented.pairs.filter((pair) => !output.includes(pair))).toEqual([]);
    });
  }

  it('did what the walk-through says: a confirmation and a reminder sent, one follow-up reminder linked to it, cancelled with the order', async () => {
    const notifications = await stack.environment.query<{ kind: string; status: string; previousReminderId: string | null; id: string }>(
      `SELECT n.id, n.kind, n.status, n.previous_reminder_id AS "previousReminderId"
       FROM notifications n JOIN orders o ON o.id = n.order_id JOIN merchants m ON m.id = o.merchant_id
       WHERE m.name = 'Boulangerie Lune' AND o.status = 'cancelled' ORDER BY n.created_at`,
    );
    const [confirmation, first, followUp, ...more] = notifications;
    expect(more).toEqual([]);
    expect(confirmation).toMatchObject({ kind: 'confirmation', status: 'sent' });
    expect(first).toMatchObject({ kind: 'reminder', status: 'sent', previousReminderId: null });
    expect(followUp).toMatchObject({ kind: 'reminder', status: 'cancelled', previousReminderId: first.id });
  });

  it('did what the customers example says: one customer, who gained an email and got her second order by email', async () => {
    const customers = await stack.environment.query(
      `SELECT c.phone, c.email, c.preferred_channel AS "preferredChannel", c.locale FROM customers c JOIN merchants m ON m.id = c.merchant_id WHERE m.name = 'Fromagerie Nord'`,
    );
    expect(customers).toEqual([{ phone: '+33612345678', email: 'ada@example.com', preferredChannel: 'email', locale: 'fr' }]);
    const channels = await stack.environment.query(
      `SELECT o.reference, n.channel, n.recipient FROM notifications n JOIN orders o ON o.id = n.order_id JOIN merchants m ON m.id = o.merchant_id
       WHERE m.name = 'Fromagerie Nord' AND n.kind = 'confirmation' ORDER BY o.created_at`,
    );
    expect(channels).toEqual([
      { reference: expect.stringMatching(/^C-/), channel: 'sms', recipient: '+33612345678' },
      { reference: expect.stringMatching(/^D-/), channel: 'email', recipient: 'ada@example.com' },
    ]);
  });

  it('did what the erasure example says: Ada’s data is gone from her customer and notifications, her order and its statuses stay', async () => {
    const rows = await stack.environment.query(
      `SELECT c.name, c.phone, c.email, n.recipient, n.body, n.status FROM customers c JOIN orders o ON o.customer_id = c.id
       JOIN notifications n ON n.order_id = o.id JOIN merchants m ON m.id = o.merchant_id WHERE m.name = 'Librairie Ouest' ORDER BY n.kind`,
    );
    expect(rows).toEqual([
      { name: null, phone: null, email: null, recipient: '', body: null, status: expect.stringMatching(/^(sent|cancelled)$/) },
      { name: null, phone: null, email: null, recipient: '', body: null, status: 'cancelled' },
    ]);
  });
});
