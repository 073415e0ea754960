import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { DomainError, ERROR_CODES, ErrorCode, ErrorKind, isDependencyOutage } from '@herald/errors';

/** What every error answer looks like. */
export const errorBody = z
  .object({
    statusCode: z.number().int().meta({ description: 'The HTTP status, repeated.', example: 422 }),
    code: z.enum(ERROR_CODES).meta({ id: 'ErrorCode', description: 'Stable: program against it. Every code the API can answer is listed.' }),
    message: z.string().meta({ description: 'For people; the wording may change.', example: 'pickupAt is in the past' }),
    details: z
      .unknown()
      .optional()
      .meta({
        description:
          'More, for some codes: `issues` `[{path, message, code}]` for validation errors (validation_failed, invalid_query, invalid_timezone…), ' +
          '`field` and `latest` (an instant) or `longest` (a lead time) for schedule_too_far_ahead, `field` (`body` or `subject`), `position` `{offset, line, column}` and ' +
          '`variable` for the template_* codes.',
        example: { issues: [{ path: 'customer.phone', message: 'must be a valid phone number in E.164 format, e.g. +33612345678', code: 'validation_failed' }] },
      }),
  })
  .meta({ id: 'Error', description: 'Every error: `{statusCode, code, message}`, sometimes with `details`.' });
export type ErrorBody = z.infer<typeof errorBody>;

const STATUS_OF: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'route_not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Errors from body-parser carry a `type`; these are the client's fault. */
const BODY_PARSER_CODES: Record<string, ErrorCode> = {
  'entity.parse.failed': 'malformed_json',
  'entity.too.large': 'payload_too_large',
  'encoding.unsupported': 'unsupported_encoding',
  'charset.unsupported': 'unsupported_charset',
  'request.aborted': 'request_aborted',
};

/**
 * Postgres refusing a value the request carried: SQLSTATE class 22 (data exception: a malformed uuid, a timestamp out
 * of range, NUL in text, a number out of range) and 54000 (a value too large to index). Validation should have refused
 * it first; if one slips through, it is still the request's fault.
 */
const INPUT_SQLSTATE = /^(22[0-9A-Z]{3}|54000)$/;

function sqlStateOfInputError(error: unknown): string | null {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.driverError?.code === 'string' ? e.driverError.code : null;
  return code !== null && INPUT_SQLSTATE.test(code) ? code : null;
}

/** What an error answer is, and whether it is Herald's fault (`internal`, a 500) or a database refusal to log (`refusedInput`). */
export interface ErrorAnswer {
  body: ErrorBody;
  internal: boolean;
  refusedInput?: { sqlState: string; message: string };
}

/** The one mapping from anything thrown to the JSON error clients see. `internal` is true for a 500. */
export function toErrorBody(error: unknown): ErrorAnswer {
  if (error instanceof DomainError) {
    const statusCode = STATUS_OF[error.kind];
    return { body: { statusCode, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) }, internal: false };
  }
  const parserType = (error as { type?: string }).type;
  if (parserType && BODY_PARSER_CODES[parserType]) {
    const statusCode = (error as { status?: number }).status ?? 400;
    return { body: { statusCode, code: BODY_PARSER_CODES[parserType], message: (error as Error).message }, internal: false };
  }
  if (error instanceof HttpException) {
    const statusCode = error.getStatus();
    // Nest turns body-parser's JSON SyntaxError into a plain 400 carrying the parser's message.
    const malformedJson = statusCode === 400 && /JSON/.test(error.message);
    const code: ErrorCode = malformedJson ? 'malformed_json' : (CODE_OF_STATUS[statusCode] ?? (statusCode >= 500 ? 'internal_error' : 'bad_request'));
    return { body: { statusCode, code, message: error.message }, internal: statusCode >= 500 };
  }
  if (isDependencyOutage(error)) {
    return { body: { statusCode: 503, code: 'service_unavailable', message: 'a backing service is unavailable; retry shortly' }, internal: false };
  }
  const sqlState = sqlStateOfInputError(error);
  if (sqlState) {
    return {
      body: { statusCode: 400, code: 'validation_failed', message: 'a value in the request cannot be stored: malformed, out of range or too long' },
      internal: false,
      refusedInput: { sqlState, message: (error as Error).message },
    };
  }
  // http-errors from the body parsers and Express: `expose` marks a client error whose message is safe to show.
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  if (expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return { body: { statusCode: status, code: CODE_OF_STATUS[status] ?? 'bad_request', message: (error as Error).message }, internal: false };
  }
  return { body: { statusCode: 500, code: 'internal_error', message: 'internal error' }, internal: true };
}

/** Answers the error as `{statusCode, code, message}`, logging what is Herald's fault or a backing service's. */
export function sendError(response: Response, exception: unknown, logger: Logger): void {
  const { body, internal, refusedInput } = toErrorBody(exception);
  if (internal) logger.error({ msg: 'unhandled error', err: exception });
  if (refusedInput) logger.warn({ msg: 'the database refused a value of the request', ...refusedInput });
  if (body.statusCode === 503) logger.warn({ msg: 'dependency unavailable', error: (exception as Error)?.message });
  if (!response.headersSent) response.status(body.statusCode).json(body);
}
