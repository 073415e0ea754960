import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { RedisClient, RedisClients } from '@herald/redis';

/**
 * Admits one message to each customer whose day and week sets (KEYS[2..], in pairs) have room, adding the message to
 * both, in one atomic step: concurrent fan-outs on any number of workers cannot both take a customer's last slot. A
 * message already in the week set is admitted again without being counted twice (a retried fan-out chunk). Answers -1
 * when KEYS[1], the merchant's counters generation, is not ARGV[1]: the counters were lost or are being rebuilt.
 */
const ADMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local message, perDay, perWeek = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local admitted = {}
for i = 2, #KEYS, 2 do
  local day, week = KEYS[i], KEYS[i + 1]
  local ok = 1
  if redis.call('SISMEMBER', week, message) == 0 then
    if (perDay > 0 and redis.call('SCARD', day) >= perDay) or (perWeek > 0 and redis.call('SCARD', week) >= perWeek) then
      ok = 0
    else
      redis.call('SADD', day, message)
      redis.call('PEXPIREAT', day, ARGV[5])
      redis.call('SADD', week, message)
      redis.call('PEXPIREAT', week, ARGV[6])
    end
  end
  admitted[#admitted + 1] = ok
end
return admitted`;

/** Takes a message back from customers' day and week sets (KEYS[2..], in pairs), if KEYS[1] is still generation ARGV[1]. */
const TAKE_BACK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #KEYS do redis.call('SREM', KEYS[i], ARGV[2]) end
return 1`;

const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** A message counted for a customer in its local day and week, with when each count may be forgotten. */
export interface CountedMessage {
  customerId: string;
  message: string;
  day: string;
  week: string;
  dayExpiresAt: Date;
  weekExpiresAt: Date;
}

/** A rebuild holds the merchant's lock at most this long (a crashed rebuilder's lock lapses). */
const REBUILD_LOCK_MS = 60_000;
/** Counts written per round trip while rebuilding. */
const REBUILD_BATCH = 500;

/**
 * A merchant's frequency cap counters in Redis: per customer, a set of the messages it got each local day and each ISO
 * week. Every key of a merchant shares one hash tag, `{<QUEUE_PREFIX>:fcap:<merchant>}`, so a whole fan-out chunk is
 * admitted by one script on one Cluster slot. Keys carry a generation: a rebuild from Postgres writes a fresh one and
 * then switches the merchant's `generation` key to it, so admissions never read a half-rebuilt count.
 */
@Injectable()
export class FrequencyCapCounters {
  private readonly redis: RedisClient;

  constructor(
    @InjectConfig() private readonly config: HeraldConfig,
    clients: RedisClients,
  ) {
    // A Redis that stays away fails the call after a couple of reconnect attempts: a fan-out job retries, a request answers 503.
    this.redis = clients.create('frequency-caps', { maxRetriesPerRequest: 2 });
  }

  /** `<generation>:<settings version>`, or null when the merchant's counters are gone (never built, lost, invalidated). */
  async generation(merchantId: string): Promise<string | null> {
    return this.redis.get(this.keyOf(merchantId, 'generation'));
  }

  /**
   * Admits `message` (due in `day` and `week`) to each customer with room under the caps (0: none): a flag per customer,
   * in order, or null when `generation` is no longer current.
   */
  async admit(
    merchantId: string,
    generation: string,
    message: CountedMessage['message'],
    window: Pick<CountedMessage, 'day' | 'week' | 'dayExpiresAt' | 'weekExpiresAt'>,
    customerIds: string[],
    caps: { perDay: number; perWeek: number },
  ): Promise<boolean[] | null> {
    const gen = generation.split(':')[0];
    const keys = customerIds.flatMap((customerId) => [this.dayKey(merchantId, gen, window.day, customerId), this.weekKey(merchantId, gen, window.week, customerId)]);
    const answer = (await this.redis.eval(
      ADMIT,
      keys.length + 1,
      this.keyOf(merchantId, 'generation'),
      ...keys,
      generation,
      message,
      caps.perDay,
      caps.perWeek,
      window.dayExpiresAt.getTime(),
      window.weekExpiresAt.getTime(),
    )) as number | number[];
    return Array.isArray(answer) ? answer.map((flag) => flag === 1) : null;
  }

  /**
   * Rebuilds the merchant's counters from `counted` (read from Postgres by `load`, once the rebuild lock is held) under
   * a new generation tagged `version`, then makes it current. False when another process is rebuilding: wait and look again.
   */
  async rebuild(merchantId: string, version: string, load: () => Promise<CountedMessage[]>): Promise<boolean> {
    const lock = this.keyOf(merchantId, 'rebuilding');
    const token = randomUUID();
    if ((await this.redis.set(lock, token, 'PX', REBUILD_LOCK_MS, 'NX')) !== 'OK') return false;
    try {
      // Another process may have rebuilt them since this one looked, and admitted sends not yet in Postgres.
      if ((await this.generation(merchantId))?.endsWith(`:${version}`)) return true;
      const gen = String(await this.redis.incr(this.keyOf(merchantId, 'generations')));
      const counted = await load();
      for (let start = 0; start < counted.length; start += REBUILD_BATCH) {
        const batch = this.redis.pipeline();
        for (const count of counted.slice(start, start + REBUILD_BATCH)) {
          const day = this.dayKey(merchantId, gen, count.day, count.customerId);
          const week = this.weekKey(merchantId, gen, count.week, count.customerId);
          batch.sadd(day, count.message).pexpireat(day, count.dayExpiresAt.getTime()).sadd(week, count.message).pexpireat(week, count.weekExpiresAt.getTime());
        }
        await batch.exec();
      }
      await this.redis.set(this.keyOf(merchantId, 'generation'), `${gen}:${version}`);
      return true;
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, lock, token);
    }
  }

  /** Takes `message` back from the customers' counts of `day` and `week`, in the current generation (if there is one). */
  async takeBack(merchantId: string, message: string, window: Pick<CountedMessage, 'day' | 'week'>, customerIds: string[]): Promise<void> {
    const generation = await this.generation(merchantId);
    if (!generation || !customerIds.length) return;
    const gen = generation.split(':')[0];
    const keys = customerIds.flatMap((customerId) => [this.dayKey(merchantId, gen, window.day, customerId), this.weekKey(merchantId, gen, window.week, customerId)]);
    await this.redis.eval(TAKE_BACK, keys.length + 1, this.keyOf(merchantId, 'generation'), ...keys, generation, message);
  }

  /** Forgets the current generation: the next admission rebuilds the counters from Postgres. */
  async invalidate(merchantId: string): Promise<void> {
    await this.redis.del(this.keyOf(merchantId, 'generation'));
  }

  private keyOf(merchantId: string, name: string): string {
    return `{${this.config.queuePrefix}:fcap:${merchantId}}:${name}`;
  }

  private dayKey(merchantId: string, gen: string, day: string, customerId: string): string {
    return this.keyOf(merchantId, `${gen}:d:${day}:${customerId}`);
  }

  private weekKey(merchantId: string, gen: string, week: string, customerId: string): string {
    return this.keyOf(merchantId, `${gen}:w:${week}:${customerId}`);
  }
}
