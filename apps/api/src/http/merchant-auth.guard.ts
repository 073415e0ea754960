import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import { isReadOnlyMethod } from '@herald/admin-access';
import { HeraldConfig, InjectConfig } from '@herald/config';
import { ConsoleSession, ConsoleSessions } from '@herald/console-sessions';
import { DomainError } from '@herald/errors';
import { ApiKeysService } from '@herald/merchants';
import type { ApiKeyEntity, AuthenticatedKey, MerchantEntity } from '@herald/persistence';
import { consoleSessionIdOf } from './console-session-cookie';
import { isCrossSite } from './cross-site.middleware';
import { LIVE_ONLY_EXTENSION, READ_SCOPE_EXTENSION } from './openapi';

/**
 * A request as the guards leave it: its merchant and key (for a stream opened with a stream token, the key that issued
 * it; for the console, the key its session was opened with).
 */
export type MerchantRequest = Request & { merchant?: MerchantEntity; apiKey?: ApiKeyEntity; viaStreamToken?: boolean; consoleSession?: ConsoleSession };

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
 * `Authorization: Bearer <api key>` → the merchant; every /v1 route runs as exactly one merchant. Without the header,
 * the console's session cookie stands for the key it was opened with; a change made with the cookie must come from
 * Herald's own pages (a browser's `Sec-Fetch-Site` / `Origin`), so no other site can ride on it. A `read` key (or its
 * session) reaches GET routes and those marked ReadsOnly; a `test` key every route but those marked LiveOnly, in the
 * merchant's test world (see TestKey). Anything else answers 403 `insufficient_scope`.
 */
@Injectable()
export class MerchantAuthGuard implements CanActivate {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly consoleSessions: ConsoleSessions,
    private readonly reflector: Reflector,
    @InjectConfig() private readonly config: HeraldConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<MerchantRequest>();
    const key = await this.authenticate(request);
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

  private async authenticate(request: MerchantRequest): Promise<AuthenticatedKey> {
    const sessionId = request.headers.authorization === undefined ? consoleSessionIdOf(request) : undefined;
    if (sessionId !== undefined) {
      const session = await this.consoleSessions.resume(sessionId);
      if (!session) throw new DomainError('unauthorized', 'console_session_ended', 'the console session has ended (signed out, expired or its key revoked): sign in again');
      if (!isReadOnlyMethod(request.method) && isCrossSite(request, this.config.publicUrl)) {
        throw new DomainError('forbidden', 'cross_site_request', 'requests from another site cannot change anything with a console session');
      }
      request.consoleSession = session;
      return session.key;
    }
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new DomainError('unauthorized', 'missing_api_key', 'send your API key as Authorization: Bearer <key>');
    const key = await this.apiKeys.authenticate(match[1]);
    if (!key) throw new DomainError('unauthorized', 'invalid_api_key', 'the API key is not valid');
    return key;
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

/** The console session the request came with, when it came with one rather than an API key. */
export const CurrentConsoleSession = createParamDecorator((_: unknown, context: ExecutionContext): ConsoleSession | undefined => {
  return context.switchToHttp().getRequest<MerchantRequest>().consoleSession;
});
