import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { HeraldConfig, InjectConfig } from '@herald/config';
import type { RedisClient } from '@herald/redis';
import { BULK_QUEUE, DELIVER_WEBHOOK_JOB, DeliverWebhookPayload, webhookJobId } from './queue-names';
import { WEBHOOK_BACKOFF } from './retry-policy';

/** Where a webhook delivery becomes a job: one deterministic job per delivery on `bulk`, with its own retry policy. */
@Injectable()
export class WebhookJobs {
  constructor(
    @InjectQueue(BULK_QUEUE) private readonly bulk: Queue<DeliverWebhookPayload>,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  /** Adds one job per delivery (a no-op for one whose job already exists). */
  async schedule(deliveryIds: string[]): Promise<void> {
    if (!deliveryIds.length) return;
    const { attempts, backoffMs } = this.config.webhooks;
    await this.bulk.addBulk(
      deliveryIds.map((deliveryId) => ({
        name: DELIVER_WEBHOOK_JOB,
        data: { deliveryId },
        opts: { jobId: webhookJobId(deliveryId), attempts, backoff: { type: WEBHOOK_BACKOFF, delay: backoffMs } },
      })),
    );
  }

  /** Gives back their job to deliveries that have none in Redis (Redis lost its data, or a process died in between). */
  async restore(deliveryIds: string[]): Promise<number> {
    if (!deliveryIds.length) return 0;
    // BullMQ's client type hides ioredis' pipeline commands; it wraps the queue's client from RedisClients. On a
    // Cluster every key of `bulk` shares its hash tag, so one pipeline may check them all.
    const client = (await this.bulk.client) as unknown as RedisClient;
    const pipeline = client.pipeline();
    for (const id of deliveryIds) pipeline.exists(this.bulk.toKey(webhookJobId(id)));
    const exists = (await pipeline.exec()) ?? [];
    const missing = deliveryIds.filter((_, index) => exists[index]?.[1] === 0);
    await this.schedule(missing);
    return missing.length;
  }

  /** Tries a delivery again from scratch (an operator's redrive): its exhausted job is replaced by a fresh one. */
  async requeue(deliveryId: string): Promise<void> {
    const job = await this.bulk.getJob(webhookJobId(deliveryId));
    await job?.remove();
    await this.schedule([deliveryId]);
  }
}
