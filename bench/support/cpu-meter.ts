import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { Client } from 'pg';

/** Linux reports process CPU time in clock ticks; 100 a second on every mainstream kernel build. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU milliseconds a process has used so far (user + system), from /proc/<pid>/stat; null once it is gone. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Who took part in a measurement: named processes, and the Postgres server processes working for one database. */
export interface CpuParticipants {
  /** e.g. `{ worker: [pid], api: [pid], 'fake + harness': [process.pid] }` */
  processes: Record<string, number[]>;
  /** Postgres backends of this database (and the server's own background processes) count as `postgres`. */
  databaseUrl: string;
  /** The Redis server's pid is asked from Redis itself (INFO server). */
  redisUrl: string;
}

export interface CpuUse {
  /** CPU ms per process group over the window. */
  byGroup: Record<string, number>;
  totalMs: number;
}

/**
 * CPU time used by every process involved in a measurement, over a window: `start()` before, `stop()` after. Postgres
 * backends are found through pg_stat_activity at both ends (a backend that connects during the window counts from
 * zero; one that connects and leaves inside it is missed: only the harness's own short-lived polls do that). The
 * server's background processes (WAL writer, checkpointer, ...) are counted too, although other databases on the same
 * server share them. Linux only.
 */
export class CpuMeter {
  private readonly before = new Map<string, Map<number, number>>();

  private constructor(private readonly participants: CpuParticipants) {}

  static async start(participants: CpuParticipants): Promise<CpuMeter> {
    const meter = new CpuMeter(participants);
    for (const [group, pids] of Object.entries(await meter.pidsByGroup())) {
      meter.before.set(group, new Map(pids.map((pid) => [pid, processCpuMs(pid) ?? 0])));
    }
    return meter;
  }

  async stop(): Promise<CpuUse> {
    const byGroup: Record<string, number> = {};
    for (const [group, pids] of Object.entries(await this.pidsByGroup())) {
      const before = this.before.get(group) ?? new Map<number, number>();
      const seen = new Set([...pids, ...before.keys()]);
      byGroup[group] = [...seen].reduce((sum, pid) => {
        const now = processCpuMs(pid);
        return now === null ? sum : sum + now - (before.get(pid) ?? 0);
      }, 0);
    }
    return { byGroup, totalMs: Object.values(byGroup).reduce((a, b) => a + b, 0) };
  }

  private async pidsByGroup(): Promise<Record<string, number[]>> {
    return { ...this.participants.processes, postgres: await this.postgresPids(), redis: [await this.redisPid()] };
  }

  private async postgresPids(): Promise<number[]> {
    const client = new Client({ connectionString: this.participants.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE (datname = current_database() AND pid <> pg_backend_pid()) OR backend_type NOT IN ('client backend', 'autovacuum worker')`,
      );
      return rows.map((row) => row.pid);
    } finally {
      await client.end();
    }
  }

  private async redisPid(): Promise<number> {
    const redis = new Redis(this.participants.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      return Number(/process_id:(\d+)/.exec(await redis.info('server'))![1]);
    } finally {
      redis.disconnect();
    }
  }
}

/** `1.23 ms/msg (worker 0.50, postgres 0.40, ...)`: CPU per item, all processes, then each group. */
export function cpuPerItem(use: CpuUse, items: number): string {
  const groups = Object.entries(use.byGroup)
    .sort(([, a], [, b]) => b - a)
    .map(([group, msUsed]) => `${group} ${(msUsed / items).toFixed(2)}`);
  return `${(use.totalMs / items).toFixed(2)} ms (${groups.join(', ')})`;
}
