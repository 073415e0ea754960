import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AdminAccess } from '@herald/admin-access';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError } from '@herald/errors';
import { authorizeMetrics } from './admin-credentials';

/** /metrics on the API port: absent when METRICS_PORT moves it, behind the admin credentials when METRICS_AUTH=admin. */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(
    @InjectConfig() private readonly config: HeraldConfig,
    private readonly access: AdminAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    if (this.config.metrics.port !== null) throw new DomainError('not_found', 'route_not_found', 'metrics are served on METRICS_PORT');
    await authorizeMetrics(http.getRequest<Request>(), http.getResponse<Response>(), this.access);
    return true;
  }
}
