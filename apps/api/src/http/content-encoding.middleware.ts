import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '@herald/errors';

/**
 * An error middleware right after the body parsers: a body that does not decode as its `Content-Encoding` says (plain
 * JSON sent as `gzip`) reaches here as an untyped 400 from zlib, and answers 400 `invalid_content_encoding`. An
 * encoding the parsers do not know is already a typed 415 `unsupported_encoding`.
 */
export function explainUndecodableBodies() {
  return (error: unknown, request: Request, _response: Response, next: NextFunction): void => {
    const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
    const encoding = request.headers['content-encoding'];
    if (type === undefined && status === 400 && encoding && encoding.toLowerCase() !== 'identity') {
      return next(new DomainError('invalid', 'invalid_content_encoding', `the body is not what its Content-Encoding (${encoding}) says`));
    }
    next(error);
  };
}
