import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { HEADERS_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { DomainError } from '@herald/errors';
import { ApiKeyEntity, IdempotencyRepository, MerchantEntity } from '@herald/persistence';
import { sendError, toErrorBody } from './error-response';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const EMPTY = Buffer.alloc(0);

type IdempotentRequest = Request & { merchant?: MerchantEntity; apiKey?: ApiKeyEntity; rawBody?: Buffer };

/**
 * A request whose Idempotency-Key was answered before: thrown by IdempotencyKeyGuard so the route does not run again,
 * and answered by the error filter with the first answer's status and body.
 */
export class IdempotentReplay {
  constructor(
    private readonly status: number,
    private readonly body: unknown,
    /** The route's own fixed headers (`@Header`), which Nest sets only on a route that runs. */
    private readonly headers: { name: string; value: string | (() => string) }[],
  ) {}

  /** As Nest answers a route's value: an object as JSON, nothing as an empty body, anything else as text. */
  sendTo(response: Response): void {
    response.status(this.status);
    for (const { name, value } of this.headers) response.setHeader(name, typeof value === 'function' ? value() : value);
    response.setHeader('Idempotent-Replayed', 'true');
    if (this.body === null || this.body === undefined) response.send();
    else if (typeof this.body === 'object') response.json(this.body);
    else response.send(String(this.body));
  }
}

/**
 * `Idempotency-Key` on a POST: the same key and body (byte for byte) within 24 h replays the first response; the same
 * key with another body answers 422; a duplicate arriving while the first is still running answers 409.
 *
 * The last guard of every controller with POST routes, so the key is claimed once the request is authenticated (the
 * merchant and its world scope the key), and recorded when the answer is written, before it leaves: a retry that
 * follows an answer replays it. A guard rather than an interceptor: any interceptor makes Nest build an rxjs pipeline
 * and bind async resources for every request of every route, about a tenth of the API's CPU per order (docs/benchmarks.md).
 */
@Injectable()
export class IdempotencyKeyGuard implements CanActivate {
  private readonly logger = new Logger('HttpError');

  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return true;
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

    const claim = await this.keys.claim(scope, key, fingerprint);
    if (claim.outcome !== 'claimed' && claim.requestHash !== fingerprint) {
      throw new DomainError('unprocessable', 'idempotency_key_reused', 'this Idempotency-Key was used with a different request');
    }
    if (claim.outcome === 'in_progress') {
      throw new DomainError('conflict', 'idempotency_request_in_progress', 'a request with this Idempotency-Key is still being processed');
    }
    if (claim.outcome === 'completed') {
      throw new IdempotentReplay(claim.responseStatus, claim.responseBody, this.reflector.get(HEADERS_METADATA, context.getHandler()) ?? []);
    }
    this.recordBeforeSending(context.switchToHttp().getResponse<Response>(), scope, key);
    return true;
  }

  /**
   * Holds the answer (the route's value or its error, as Express sends it) until the key records it. If the answer
   * cannot be recorded, the client gets that error instead, recorded or not by the same rule.
   */
  private recordBeforeSending(response: Response, scope: string, key: string): void {
    const send = response.send;
    response.send = (body?: unknown) => {
      response.send = send;
      this.record(scope, key, response.statusCode, answerAsJson(response, body)).then(
        () => send.call(response, body),
        async (error: unknown) => {
          const { body: errorBody } = toErrorBody(error);
          await this.record(scope, key, errorBody.statusCode, JSON.stringify(errorBody)).catch(() => undefined);
          sendError(response, error, this.logger);
        },
      );
      return response;
    };
  }

  /** A client error is an answer worth replaying; a server failure is not: the key is released and a retry runs again. */
  private async record(scope: string, key: string, status: number, answer: string): Promise<void> {
    if (status < 500) await this.keys.complete(scope, key, status, answer);
    else await this.keys.release(scope, key).catch(() => undefined);
  }
}

/** What Express is about to send, as the JSON stored for a replay: JSON text as it is, text as a JSON string. */
function answerAsJson(response: Response, body: unknown): string {
  const type = response.getHeader('Content-Type');
  if (typeof body === 'string' && typeof type === 'string' && type.startsWith('application/json')) return body;
  return JSON.stringify(body ?? null);
}
