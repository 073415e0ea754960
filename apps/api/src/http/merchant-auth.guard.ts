import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import { DomainError } from '@herald/errors';
import { ApiKeysService } from '@herald/merchants';
import type { ApiKeyEntity, MerchantEntity } from '@herald/persistence';
import { LIVE_ONLY_EXTENSION, READ_SCOPE_EXTENSION } from './openapi';

/** A request as the guards leave it: its merchant and key (for a stream opened with a stream token, the key that issued it). */
export type MerchantRequest = Request & { merchant?: MerchantEntity; apiKey?: ApiKeyEntity; viaStreamToken?: boolean };

/** 401 for a merchant an operator disabled: its keys and stream tokens open nothing until it is enabled. */
export function refuseIfDisabled(merchant: MerchantEntity): MerchantEntity {
  if (merchant.disabledAt) throw new DomainError('unauthorized', 'merchant_disabled', 'this merchant is disabled; ask the operator of this Herald to enable it');
  return merchant;
}

const READS_ONLY = 'herald:reads-only';
/** A route other than GET that changes nothing, so a `read` key may call it (a stream token only opens the stream). */
export const ReadsOnly = () => applyDecorators(SetMetadata(READS_ONLY, true), ApiExtension(READ_SCOPE_EXTENSION, true));

const LIVE_ONLY = 'herald:live-only';
/**
 * A route a `test` key may not call: it changes what live sends use (settings, texts, the webhook endpoint, keys), or
 * reads live customers' data (the daily exports). On a controller, every route of it.
 */
export const LiveOnly = () => applyDecorators(SetMetadata(LIVE_ONLY, true), ApiExtension(LIVE_ONLY_EXTENSION, true));

/**
 * `Authorization: Bearer <api key>` → the merchant; every /v1 route runs as exactly one merchant. A `read` key reaches
 * GET routes and those marked ReadsOnly; a `test` key every route but those marked LiveOnly, in the merchant's test
 * world (see TestKey). Anything else answers 403 `insufficient_scope`.
 */
@Injectable()
export class MerchantAuthGuard implements CanActivate {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<MerchantRequest>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new DomainError('unauthorized', 'missing_api_key', 'send your API key as Authorization: Bearer <key>');
    const key = await this.apiKeys.authenticate(match[1]);
    if (!key) throw new DomainError('unauthorized', 'invalid_api_key', 'the API key is not valid');
    refuseIfDisabled(key.merchant);
    if (key.scope === 'read' && !this.readsOnly(request, context)) {
      throw new DomainError('forbidden', 'insufficient_scope', 'this key may only read (scope read): use a key with scope full');
    }
    if (key.scope === 'test' && this.liveOnly(context)) {
      throw new DomainError('forbidden', 'insufficient_scope', 'a test key cannot use this route, which concerns live data or settings: use a key with scope full');
    }
    const { merchant, ...apiKey } = key;
    request.merchant = merchant;
    request.apiKey = apiKey;
    return true;
  }

  private readsOnly(request: Request, context: ExecutionContext): boolean {
    if (request.method === 'GET' || request.method === 'HEAD') return true;
    return this.reflector.getAllAndOverride<boolean>(READS_ONLY, [context.getHandler(), context.getClass()]) === true;
  }

  private liveOnly(context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean>(LIVE_ONLY, [context.getHandler(), context.getClass()]) === true;
  }
}

export const CurrentMerchant = createParamDecorator((_: unknown, context: ExecutionContext): MerchantEntity => {
  return context.switchToHttp().getRequest<MerchantRequest>().merchant!;
});

/** The key the request authenticated with (on a stream opened with a stream token, the key that issued the token). */
export const CurrentApiKey = createParamDecorator((_: unknown, context: ExecutionContext): ApiKeyEntity => {
  return context.switchToHttp().getRequest<MerchantRequest>().apiKey!;
});

/**
 * Whether the request's key is a test key: the route then works in the merchant's test world, making and seeing only
 * what test keys made. Nothing of it reaches a provider.
 */
export const TestKey = createParamDecorator((_: unknown, context: ExecutionContext): boolean => {
  return context.switchToHttp().getRequest<MerchantRequest>().apiKey!.scope === 'test';
});
