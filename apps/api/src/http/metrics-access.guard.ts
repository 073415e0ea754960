import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError } from '@herald/errors';
import { adminAuthRequired, adminRole } from './admin-credentials';

/** METRICS_AUTH=admin: the admin's or the read-only operator's Basic credentials (Prometheus `basic_auth`). */
export const canReadMetrics = (authorization: string | undefined, config: HeraldConfig) =>
  config.metrics.auth === 'none' || adminRole(authorization, config) !== null;

/** /metrics on the API port: absent when METRICS_PORT moves it, behind the admin credentials when METRICS_AUTH=admin. */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(@InjectConfig() private readonly config: HeraldConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    if (this.config.metrics.port !== null) throw new DomainError('not_found', 'route_not_found', 'metrics are served on METRICS_PORT');
    if (!canReadMetrics(http.getRequest<Request>().headers.authorization, this.config)) throw adminAuthRequired(http.getResponse<Response>());
    return true;
  }
}
