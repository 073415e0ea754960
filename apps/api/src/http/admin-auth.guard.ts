import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { authorizeAdmin } from './admin-credentials';

/** The admin JSON API: the admin may call it; the read-only operator only where it reads. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(@InjectConfig() private readonly config: HeraldConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    authorizeAdmin(http.getRequest<Request>(), http.getResponse<Response>(), this.config);
    return true;
  }
}
