import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { CRITICAL_QUEUE } from '@herald/queues';
import { livenessView, readinessView } from '../dto/health.dto';
import { ApiErrorResponse, ApiZodResponse } from '../http/openapi';

const CHECK_TIMEOUT_MS = 1000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectQueue(CRITICAL_QUEUE) private readonly critical: Queue,
  ) {}

  /** The process is up; says nothing about its dependencies. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiZodResponse(200, livenessView, 'Up')
  live() {
    return { status: 'ok' };
  }

  /** Ready to take traffic: Postgres and Redis both answer within a second. */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Readiness: Postgres and Redis each answer within a second' })
  @ApiZodResponse(200, readinessView, 'Ready to take traffic')
  @ApiErrorResponse(503, 'service_unavailable')
  ready() {
    return this.health.check([() => this.postgres.pingCheck('postgres', { timeout: CHECK_TIMEOUT_MS }), () => this.redis()]);
  }

  private async redis() {
    const indicator = this.indicators.check('redis');
    try {
      const client = (await this.critical.client) as unknown as Redis;
      await Promise.race([
        client.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS).unref()),
      ]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
