import type { HeraldConfig } from '@herald/config';
import type { QueueName } from './queue-names';

/**
 * BullMQ's key prefix for `queue`. On one Redis server, Sentinel-managed or not, it is QUEUE_PREFIX, so keys stay
 * `herald:critical:…` as they always were. In a Cluster, BullMQ's scripts touch many keys of a queue at once, and
 * those must share a slot: the prefix becomes a hash tag naming the queue, `{herald:critical}`, so each queue lives
 * in one slot and the three queues in different ones, which the Cluster can place on different masters.
 */
export function queuePrefix(config: Pick<HeraldConfig, 'redis' | 'queuePrefix'>, queue: QueueName): string {
  return config.redis.kind === 'cluster' ? `{${config.queuePrefix}:${queue}}` : config.queuePrefix;
}
