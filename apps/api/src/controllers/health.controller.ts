import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import { Readiness } from '@herald/observability';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  /** The process is up; says nothing about its dependencies. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready to take traffic: Postgres and Redis both answer within a second. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.readiness.check();
  }
}
