import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { toErrorBody } from './error-response';

/** Every error leaves the API as `{statusCode, code, message}`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { body, internal, refusedInput } = toErrorBody(exception);
    if (internal) this.logger.error({ msg: 'unhandled error', err: exception });
    if (refusedInput) this.logger.warn({ msg: 'the database refused a value of the request', ...refusedInput });
    if (body.statusCode === 503) this.logger.warn({ msg: 'dependency unavailable', error: (exception as Error)?.message });
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }
}
