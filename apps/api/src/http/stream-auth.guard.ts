import { createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@herald/errors';
import { StreamCredential, StreamTokens } from '@herald/events';
import { ApiKeysService } from '@herald/merchants';
import { MerchantAuthGuard, MerchantRequest, refuseIfDisabled } from './merchant-auth.guard';

/**
 * The event stream's guard: the API key as on every /v1 route, or, for a browser's EventSource, a stream token in
 * `?token=`. Tokens open the stream and nothing else, and only while the key that issued them stands: a revoked key's
 * tokens answer 401 `invalid_stream_token`.
 */
@Injectable()
export class StreamAuthGuard extends MerchantAuthGuard {
  constructor(
    private readonly tokens: StreamTokens,
    private readonly keys: ApiKeysService,
    reflector: Reflector,
  ) {
    super(keys, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<MerchantRequest>();
    const token = request.query.token;
    if (request.headers.authorization || token === undefined) return super.canActivate(context);
    if (typeof token !== 'string') throw new DomainError('unauthorized', 'invalid_stream_token', 'the stream token is not valid');
    const key = await this.keys.issuerOf(this.tokens.verify(token));
    if (!key) throw new DomainError('unauthorized', 'invalid_stream_token', 'the stream token is not valid: the key that issued it was revoked');
    const { merchant, ...apiKey } = key;
    request.merchant = refuseIfDisabled(merchant);
    request.apiKey = apiKey;
    request.viaStreamToken = true;
    return true;
  }
}

/** What opened the stream, so it can end when that is withdrawn (see LiveStreams). */
export const CurrentStreamCredential = createParamDecorator((_: unknown, context: ExecutionContext): StreamCredential => {
  const request = context.switchToHttp().getRequest<MerchantRequest>();
  return { keyId: request.apiKey!.id, test: request.apiKey!.scope === 'test', viaToken: request.viaStreamToken === true };
});
