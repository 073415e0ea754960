import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { auditPageView, OperatorsService } from '@herald/operators';
import { adminPageQuery, AdminPageQuery } from '../dto/admin.dto';
import { AdminAuthGuard } from '../http/admin-auth.guard';
import { ApiErrorResponse, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

@ApiTags('admin')
@ApiBasicAuth()
@ApiErrorResponse(401, 'admin_auth_required')
@ApiErrorResponse(429, 'rate_limited', 'too_many_failed_logins')
@UseGuards(ThrottlerGuard, AdminAuthGuard)
@Controller('admin/audit')
export class AdminAuditController {
  constructor(private readonly operators: OperatorsService) {}

  @Get()
  @ApiOperation({
    summary: 'The audit log: every admin action, who did it and when, newest first (the read-only operator may read it)',
    description: 'Append-only: Postgres refuses to change or delete an entry.',
  })
  @ApiZodQuery(adminPageQuery)
  @ApiZodResponse(200, auditPageView, 'One page; follow `nextCursor` for the next')
  @ApiErrorResponse(400, 'invalid_query', 'invalid_cursor')
  list(@Query(new ZodPipe(adminPageQuery, 'invalid_query')) query: AdminPageQuery) {
    return this.operators.auditPage(query);
  }
}
