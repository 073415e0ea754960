import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { ConsoleSessions } from '@herald/console-sessions';
import { DomainError } from '@herald/errors';
import { StreamTokens } from '@herald/events';
import { ApiKeysService, MerchantsService } from '@herald/merchants';
import type { MerchantEntity } from '@herald/persistence';
import { MerchantAuthGuard, refuseIfDisabled } from './merchant-auth.guard';

/**
 * The event stream's guard: the API key (or console session) as on every /v1 route, or, for a browser's EventSource, a
 * stream token in `?token=`. Tokens open the stream and nothing else.
 */
@Injectable()
export class StreamAuthGuard extends MerchantAuthGuard {
  constructor(
    private readonly merchantsService: MerchantsService,
    private readonly tokens: StreamTokens,
    apiKeys: ApiKeysService,
    consoleSessions: ConsoleSessions,
    reflector: Reflector,
    @InjectConfig() config: HeraldConfig,
  ) {
    super(apiKeys, consoleSessions, reflector, config);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { merchant?: MerchantEntity }>();
    const token = request.query.token;
    if (request.headers.authorization || token === undefined) return super.canActivate(context);
    if (typeof token !== 'string') throw new DomainError('unauthorized', 'invalid_stream_token', 'the stream token is not valid');
    const merchant = await this.merchantsService.findById(this.tokens.verify(token));
    if (!merchant) throw new DomainError('unauthorized', 'invalid_stream_token', 'the stream token is not valid');
    request.merchant = refuseIfDisabled(merchant);
    return true;
  }
}
