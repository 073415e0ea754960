import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import { metricsRegistry, registerQueueDepth } from '@herald/observability';
import { BULK_EMAIL_QUEUE, BULK_QUEUE, BULK_SMS_QUEUE, CRITICAL_QUEUE, DEAD_LETTER_QUEUE } from '@herald/queues';
import { MetricsAccessGuard } from '../http/metrics-access.guard';

const STATES = ['waiting', 'delayed', 'active', 'failed', 'completed'] as const;

@ApiExcludeController()
@UseGuards(MetricsAccessGuard)
@Controller('metrics')
export class MetricsController {
  constructor(
    @InjectQueue(CRITICAL_QUEUE) critical: Queue,
    @InjectQueue(BULK_QUEUE) bulk: Queue,
    @InjectQueue(DEAD_LETTER_QUEUE) deadLetter: Queue,
    @InjectQueue(BULK_SMS_QUEUE) campaignSms: Queue,
    @InjectQueue(BULK_EMAIL_QUEUE) campaignEmail: Queue,
  ) {
    // Every queue Bull Board shows: a campaign backlog must reach alerts and autoscalers too.
    const queues = [critical, bulk, deadLetter, campaignSms, campaignEmail];
    registerQueueDepth(() => Promise.all(queues.map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts(...STATES) }))));
  }

  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
