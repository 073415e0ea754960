import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { OperatorsService } from '@herald/operators';
import { redriveBody, RedriveBody, redriveExamples, redriveResultView, RedriveResultView } from '../dto/dead-letter.dto';
import { AdminActor, AdminAuthGuard } from '../http/admin-auth.guard';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { ApiErrorResponse, ApiZodBody, ApiZodResponse } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

@ApiTags('admin')
@ApiBasicAuth()
@ApiErrorResponse(401, 'admin_auth_required')
@ApiErrorResponse(403, 'cross_site_request', 'admin_read_only')
@ApiErrorResponse(429, 'rate_limited', 'too_many_failed_logins')
@UseGuards(ThrottlerGuard, AdminAuthGuard, IdempotencyKeyGuard)
@Controller('admin/dead-letters')
export class AdminDeadLettersController {
  constructor(private readonly operators: OperatorsService) {}

  @Post('redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send dead notifications again by filter (queue, error code, time range), with fresh attempts' })
  @ApiZodBody(redriveBody, redriveExamples)
  @ApiZodResponse(200, redriveResultView, 'How many went back to their queue')
  @ApiErrorResponse(400, 'validation_failed', 'malformed_json')
  redrive(@Body(new ZodPipe(redriveBody)) filter: RedriveBody, @AdminActor() actor: string): Promise<RedriveResultView> {
    return this.operators.redriveDeadLetters(filter, actor);
  }
}
