import { Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ConsoleSession, ConsoleSessions, consoleSessionView, ConsoleSessionView, toConsoleSessionView } from '@herald/console-sessions';
import { DomainError } from '@herald/errors';
import type { ApiKeyEntity, MerchantEntity } from '@herald/persistence';
import { clearConsoleSessionCookie, consoleSessionIdOf, setConsoleSessionCookie } from '../http/console-session-cookie';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { CurrentApiKey, CurrentConsoleSession, CurrentMerchant, MerchantAuthGuard, ReadsOnly } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiZodResponse } from '../http/openapi';

/**
 * The merchant console's sign-in: an API key is exchanged for a session cookie (HttpOnly, SameSite=Strict), so the
 * browser never holds the key. The session acts with the key's scope on every /v1 route.
 */
@ApiTags('console')
@ApiBearerAuth()
@ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled', 'console_session_ended')
@UseGuards(MerchantAuthGuard, IdempotencyKeyGuard)
@Controller('v1/console/session')
export class ConsoleSessionController {
  constructor(private readonly sessions: ConsoleSessions) {}

  @Post()
  @HttpCode(201)
  @ReadsOnly()
  @ApiOperation({
    summary: 'Sign in to the console: exchange your API key for a session cookie',
    description:
      'Send the key as `Authorization: Bearer`; the answer sets `herald_console`, an HttpOnly, SameSite=Strict cookie (Secure over HTTPS) ' +
      'that stands for the key on every /v1 route until sign-out, 2 hours without a request, 12 hours after sign-in, or the key’s ' +
      'revocation. A `read` key gives a session that changes nothing. Changes made with the cookie must come from Herald’s own pages ' +
      '(403 `cross_site_request` otherwise).',
  })
  @ApiZodResponse(201, consoleSessionView, 'The session; its cookie is in `Set-Cookie`')
  async start(
    @CurrentMerchant() merchant: MerchantEntity,
    @CurrentApiKey() key: ApiKeyEntity,
    @CurrentConsoleSession() current: ConsoleSession | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ConsoleSessionView> {
    // A session renewing itself would never reach its absolute end: signing in takes the key again.
    if (current) throw new DomainError('unauthorized', 'missing_api_key', 'sign in with your API key as Authorization: Bearer <key>, not with a session');
    const { sessionId, expiresAt } = await this.sessions.start(key);
    setConsoleSessionCookie(request, response, sessionId, expiresAt);
    return toConsoleSessionView(merchant, key, expiresAt);
  }

  @Get()
  @ApiOperation({ summary: 'Who this request acts as: the merchant, the key’s scope, and when the console session ends' })
  @ApiZodResponse(200, consoleSessionView, 'The session (or, with an API key, the key)')
  describe(
    @CurrentMerchant() merchant: MerchantEntity,
    @CurrentApiKey() key: ApiKeyEntity,
    @CurrentConsoleSession() current: ConsoleSession | undefined,
  ): ConsoleSessionView {
    return toConsoleSessionView(merchant, key, current?.expiresAt ?? null);
  }

  @Delete()
  @HttpCode(204)
  @ReadsOnly()
  @ApiOperation({ summary: 'Sign out: the session ends on the server, and its cookie is cleared', description: 'With an API key and no session, nothing ends.' })
  @ApiNoContentResponse({ description: 'Signed out' })
  async end(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const sessionId = consoleSessionIdOf(request);
    if (sessionId !== undefined) await this.sessions.end(sessionId);
    clearConsoleSessionCookie(request, response);
  }
}
