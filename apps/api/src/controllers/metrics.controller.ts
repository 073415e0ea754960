import { getQueueToken } from '@nestjs/bullmq';
import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { Queue } from 'bullmq';
import { metricsRegistry, registerQueueDepth } from '@herald/observability';
import { ALL_QUEUES } from '@herald/queues';
import { MetricsAccessGuard } from '../http/metrics-access.guard';

const STATES = ['waiting', 'delayed', 'active', 'failed', 'completed'] as const;

@ApiExcludeController()
@UseGuards(MetricsAccessGuard)
@Controller('metrics')
export class MetricsController {
  constructor(moduleRef: ModuleRef) {
    // Every queue Bull Board shows, from the one list of them: a campaign backlog reaches alerts and autoscalers too.
    const queues = ALL_QUEUES.map((name) => moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    registerQueueDepth(() => Promise.all(queues.map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts(...STATES) }))));
  }

  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
