import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AdminAccess } from '@herald/admin-access';
import { authorizeAdmin } from './admin-credentials';

/** The admin JSON API: the admin may call it; the read-only operator only where it reads. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(private readonly access: AdminAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    await authorizeAdmin(http.getRequest<Request>(), http.getResponse<Response>(), this.access);
    return true;
  }
}
