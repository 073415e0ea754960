import type { RedisTopology } from '@herald/config';
import { ALL_QUEUES } from './queue-names';
import { queuePrefix } from './queue-prefix';

describe('queue key prefixes', () => {
  it('keep the single-server layout (herald:critical:…), with or without Sentinel', () => {
    const topologies: RedisTopology[] = [
      { kind: 'single', url: 'redis://127.0.0.1:6379' },
      { kind: 'sentinel', sentinels: [{ host: 's', port: 26379 }], name: 'herald' },
    ];
    for (const redis of topologies) {
      expect(ALL_QUEUES.map((queue) => queuePrefix({ redis, queuePrefix: 'herald' }, queue))).toEqual(['herald', 'herald', 'herald', 'herald', 'herald']);
    }
  });

  it('hash-tag each queue on a Cluster: one slot per queue, a different tag for each queue and each deployment', () => {
    const redis: RedisTopology = { kind: 'cluster', nodes: [{ host: 'a', port: 7000 }] };
    expect(ALL_QUEUES.map((queue) => queuePrefix({ redis, queuePrefix: 'herald' }, queue))).toEqual(['{herald:critical}', '{herald:bulk}', '{herald:dead-letter}', '{herald:bulk-sms}', '{herald:bulk-email}']);
    expect(queuePrefix({ redis, queuePrefix: 'shop-eu' }, 'critical')).toBe('{shop-eu:critical}');
  });
});
