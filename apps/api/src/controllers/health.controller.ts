import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import { Readiness } from '@herald/observability';
import { livenessView, readinessView } from '../dto/health.dto';
import { ApiErrorResponse, ApiPublicOperation, ApiZodResponse } from '../http/openapi';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  /** The process is up; says nothing about its dependencies. */
  @Get('live')
  @ApiPublicOperation({ summary: 'Liveness: the process answers' })
  @ApiZodResponse(200, livenessView, 'Up')
  live() {
    return { status: 'ok' };
  }

  /** Ready to take traffic: Postgres and Redis both answer within a second. */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiPublicOperation({ summary: 'Readiness: Postgres and Redis each answer within a second' })
  @ApiZodResponse(200, readinessView, 'Ready to take traffic')
  @ApiErrorResponse(503, 'service_unavailable')
  ready() {
    return this.readiness.check();
  }
}
