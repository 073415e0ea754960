import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { DomainError } from '@herald/errors';
import { ADMIN_REALM, isAdmin } from './admin-credentials';

@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(@InjectConfig() private readonly config: HeraldConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (isAdmin(request.headers.authorization, this.config.admin)) return true;
    context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', ADMIN_REALM);
    throw new DomainError('unauthorized', 'admin_auth_required', 'admin credentials are required');
  }
}
