import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AdminAccess } from '@herald/admin-access';
import { authorizeAdmin } from './admin-credentials';

type AdminRequest = Request & { adminActor?: string };

/** The admin JSON API: the admin may call it; the read-only operator only where it reads. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(private readonly access: AdminAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AdminRequest>();
    request.adminActor = this.access.actorName(await authorizeAdmin(request, http.getResponse<Response>(), this.access));
    return true;
  }
}

/** Who is calling, as the audit log names them (the admin's user name). */
export const AdminActor = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  return context.switchToHttp().getRequest<AdminRequest>().adminActor!;
});
