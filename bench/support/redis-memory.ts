import type Redis from 'ioredis';

const BATCH = 1000;

/** Redis's own count of the bytes it holds (INFO memory `used_memory`): the whole server, other tenants included. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

/** MEMORY USAGE summed over every key matching `pattern`: only what those keys hold, whoever else shares the server. */
export async function keysMemory(redis: Redis, pattern: string): Promise<number> {
  let total = 0;
  for await (const keys of redis.scanStream({ match: pattern, count: BATCH }) as AsyncIterable<string[]>) {
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    for (const [error, bytes] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      total += Number(bytes ?? 0);
    }
  }
  return total;
}

/** Deletes every key under `prefix`, as losing Redis would. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: BATCH }) as AsyncIterable<string[]>) {
    if (keys.length) await redis.unlink(...keys);
  }
}
