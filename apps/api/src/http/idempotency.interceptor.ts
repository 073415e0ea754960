import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { from, Observable, of } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import { DomainError } from '@herald/errors';
import { ApiKeyEntity, IdempotencyRepository, MerchantEntity } from '@herald/persistence';
import { toErrorBody } from './error-response';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const EMPTY = Buffer.alloc(0);

/**
 * `Idempotency-Key` on a POST: the same key and body (byte for byte) within 24 h replays the first response; the same
 * key with another body answers 422; a duplicate arriving while the first is still running answers 409.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { merchant?: MerchantEntity; apiKey?: ApiKeyEntity; rawBody?: Buffer }>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw new DomainError('invalid', 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 printable ASCII characters');
    }
    // A merchant's test world keeps its own keys: a test request never replays a live answer, nor the other way round.
    const scope = request.merchant ? `${request.merchant.id}${request.apiKey?.scope === 'test' ? ':test' : ''}` : 'admin';
    // The bytes as they came (kept by every body parser): hashing them costs no walk of the body, however it nests.
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.path}\n`)
      .update(request.rawBody ?? EMPTY)
      .digest('hex');

    return from(this.keys.claim(scope, key, fingerprint)).pipe(
      mergeMap((claim) => {
        if (claim.outcome !== 'claimed' && claim.requestHash !== fingerprint) {
          throw new DomainError('unprocessable', 'idempotency_key_reused', 'this Idempotency-Key was used with a different request');
        }
        if (claim.outcome === 'in_progress') {
          throw new DomainError('conflict', 'idempotency_request_in_progress', 'a request with this Idempotency-Key is still being processed');
        }
        if (claim.outcome === 'completed') {
          response.status(claim.responseStatus).setHeader('Idempotent-Replayed', 'true');
          return of(claim.responseBody);
        }
        return next.handle().pipe(
          mergeMap(async (body) => {
            await this.keys.complete(scope, key, response.statusCode, body);
            return body;
          }),
          catchError(async (error) => {
            const { body } = toErrorBody(error);
            // A client error is an answer worth replaying; a server failure is not: let the retry run again.
            if (body.statusCode < 500) await this.keys.complete(scope, key, body.statusCode, body);
            else await this.keys.release(scope, key).catch(() => undefined);
            throw error;
          }),
        );
      }),
    );
  }
}
