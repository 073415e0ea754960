import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { RedriveService } from '@herald/notifications';
import { redriveBody, RedriveBody } from '../dto/dead-letter.dto';
import { AdminAuthGuard } from '../http/admin-auth.guard';
import { ApiZodBody } from '../http/openapi';
import { ZodPipe } from '../http/zod-body.pipe';

@ApiTags('admin')
@ApiBasicAuth()
@UseGuards(ThrottlerGuard, AdminAuthGuard)
@Controller('admin/dead-letters')
export class AdminDeadLettersController {
  constructor(private readonly redrives: RedriveService) {}

  @Post('redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send dead notifications again by filter (queue, error code, time range), with fresh attempts' })
  @ApiZodBody(redriveBody)
  redrive(@Body(new ZodPipe(redriveBody)) filter: RedriveBody) {
    return this.redrives.redriveMatching(filter, 'admin-api');
  }
}
