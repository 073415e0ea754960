import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { sendError } from './error-response';
import { IdempotentReplay } from './idempotency-key.guard';

/** Every error leaves the API as `{statusCode, code, message}`; a replayed Idempotency-Key answer ends the request too. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof IdempotentReplay) exception.sendTo(response);
    else sendError(response, exception, this.logger);
  }
}
