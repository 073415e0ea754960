import { ChildProcess, fork } from 'node:child_process';
import { ROOT } from '../../test/support/test-environment';
import { within } from './wait';

const STOP_TIMEOUT_MS = 10_000;

/**
 * A raw baseline script (bench/baselines/<script>.ts) in its own process, as Herald's API and worker run in theirs.
 * It takes its configuration as JSON in argv and talks back with typed IPC messages.
 */
export class BaselineProcess<Message extends { type: string }> {
  private readonly messages: Message[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly exited: Promise<void>;
  private ended = false;

  private constructor(private readonly child: ChildProcess) {
    const wakeAll = () => this.waiters.forEach((wake) => wake());
    child.on('message', (message: Message) => {
      this.messages.push(message);
      wakeAll();
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        this.ended = true;
        wakeAll();
        resolve();
      }),
    );
  }

  static start<M extends { type: string }>(script: string, config: unknown): BaselineProcess<M> {
    const child = fork(`${__dirname}/../baselines/${script}.ts`, [JSON.stringify(config)], {
      cwd: ROOT,
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: `${ROOT}/tsconfig.json` },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new BaselineProcess<M>(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first message of `type`, waiting up to `timeoutMs` for it; rejects if the process ends first. */
  async next<T extends Message['type']>(type: T, timeoutMs: number): Promise<Extract<Message, { type: T }>> {
    let check = () => {};
    const arrival = new Promise<Extract<Message, { type: T }>>((resolve, reject) => {
      check = () => {
        const message = this.messages.find((m): m is Extract<Message, { type: T }> => m.type === type);
        if (message) resolve(message);
        else if (this.ended) reject(new Error(`the baseline process ended before sending ${type}`));
      };
    });
    this.waiters.add(check);
    check();
    try {
      return await within(`the baseline's ${type} message`, timeoutMs, arrival);
    } finally {
      this.waiters.delete(check);
    }
  }

  /** SIGTERM lets the script close its connections; SIGKILL if it does not end in time. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.child.kill('SIGTERM');
    await within('the baseline process to stop', STOP_TIMEOUT_MS, this.exited).catch(() => {
      this.child.kill('SIGKILL');
      return this.exited;
    });
  }
}
