/**
 * The reconcile baseline: raw BullMQ putting back the same delayed jobs Herald's rebuild does (same ids, name, data,
 * job options and due times), with Queue.addBulk a thousand at a time, knowing already which jobs to add: no Postgres
 * read, no check of what Redis still holds. Sends the time from the first addBulk to the last one's answer.
 */
import { JobsOptions, Queue } from 'bullmq';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { redisUrlOptions } from '../../libs/redis/src/redis-clients';
import { addSendJobs, SeededNotification } from '../support/seed';

export interface RawReconcileConfig {
  redisUrl: string;
  prefix: string;
  queue: string;
  jobOptions: JobsOptions;
  /** A JSON file of SeededNotification[]: the jobs to add (too many to pass in argv). */
  notificationsFile: string;
}

/** `cpuMs`: this process's own CPU time over the adds, its start (ts-node compiling it) left out. */
export type RawReconcileMessage = { type: 'result'; ms: number; cpuMs: number };

const config: RawReconcileConfig = JSON.parse(process.argv[2]);

async function main(): Promise<void> {
  const notifications: SeededNotification[] = JSON.parse(readFileSync(config.notificationsFile, 'utf8'));
  const queue = new Queue(config.queue, { connection: redisUrlOptions(config.redisUrl), prefix: config.prefix });
  await queue.waitUntilReady();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await addSendJobs(queue, notifications, config.jobOptions);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  process.send!({ type: 'result', ms, cpuMs: (cpu.user + cpu.system) / 1000 } satisfies RawReconcileMessage);
  process.once('SIGTERM', () => void queue.close().then(() => process.exit(0)));
}

void main();
