import { ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { HeraldEnv, ROOT } from './test-environment';

export type ProcessKind = 'api' | 'worker';

/**
 * A port nobody listens on, picked below the kernel's ephemeral range (32768 and up on Linux): a port the OS handed
 * out for `listen(0)` could meanwhile become the local port of an outgoing connection (to Postgres, Redis, a fake)
 * before the process it was meant for listens, and that process would fail with EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + randomInt(12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** One built Herald process (`node dist/apps/<kind>/src/main.js`), started the way production starts it. */
export class HeraldProcess {
  output = '';
  /** A worker's `/metrics` and `/health/*` base URL, once it is up (see startWorker). */
  metricsUrl?: string;
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly kind: ProcessKind,
    readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static spawn(kind: ProcessKind, env: HeraldEnv): HeraldProcess {
    const child = spawn(process.execPath, [`${ROOT}/dist/apps/${kind}/src/main.js`], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new HeraldProcess(kind, child);
  }

  /**
   * Resolves once the process has printed `marker`; rejects if it exits or takes longer than `timeoutMs` (a boot takes
   * 1-2 s alone, and several times that on two cores shared by test files running side by side).
   */
  async waitForOutput(marker: string | RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = () => (typeof marker === 'string' ? this.output.includes(marker) : marker.test(this.output));
    while (!seen()) {
      if (this.child.exitCode !== null) throw new Error(`${this.kind} exited with ${this.child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${this.kind} did not print ${marker} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Resolves once `url` answers 200 (at any log level); rejects if the process exits first or after `timeoutMs`. */
  async waitForReadiness(url: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`${this.kind} exited with ${this.child.exitCode}:\n${this.output}`);
      const status = await fetch(url).then((response) => response.status, () => 0);
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`${this.kind} was not ready at ${url} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Exit code once the process ends by itself. */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM: a graceful stop that lets in-flight jobs finish. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** SIGKILL: the process dies on the spot, mid-job if it was in one. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Spawns and waits until ready; a process that never gets there is killed, so no test leaves one behind. */
async function spawnReady(kind: ProcessKind, env: HeraldEnv, ready: (process: HeraldProcess) => Promise<void>): Promise<HeraldProcess> {
  const started = HeraldProcess.spawn(kind, env);
  try {
    await ready(started);
    return started;
  } catch (error) {
    await started.kill();
    throw error;
  }
}

/** `port`: listen there (an API restarted where its clients expect it); otherwise a free one. */
export async function startApi(env: HeraldEnv, port?: number): Promise<{ process: HeraldProcess; url: string }> {
  for (let attempt = 1; ; attempt++) {
    const listenOn = port ?? (await freePort());
    const url = `http://127.0.0.1:${listenOn}`;
    try {
      const api = await spawnReady('api', { PUBLIC_URL: url, ...env, PORT: String(listenOn) }, (process) => process.waitForReadiness(`${url}/health/ready`));
      return { process: api, url };
    } catch (error) {
      // Another process took the free port first (test files run side by side): take another one.
      if (port !== undefined || attempt === 3 || !String((error as Error).message).includes('EADDRINUSE')) throw error;
    }
  }
}

const WORKER_UP = /Herald worker up: .*metrics and health on port (\d+)/;

/** A worker is up when it says so, naming its metrics port (the OS's pick under WORKER_METRICS_PORT=0); workers log that line at `info`. */
export async function startWorker(env: HeraldEnv): Promise<HeraldProcess> {
  const worker = await spawnReady('worker', env, (process) => process.waitForOutput(WORKER_UP));
  worker.metricsUrl = `http://127.0.0.1:${WORKER_UP.exec(worker.output)![1]}`;
  return worker;
}
