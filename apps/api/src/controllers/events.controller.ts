import { Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { EventCursors, EventFeed, LiveStreams, StreamCredential, StreamTokens } from '@herald/events';
import type { ApiKeyEntity, MerchantEntity } from '@herald/persistence';
import {
  EVENT_STREAM_EXAMPLE,
  EventPage,
  eventPageSchema,
  eventsQuery,
  EventsQuery,
  eventStreamQuery,
  EventStreamQuery,
  StreamTokenResponse,
  streamTokenSchema,
} from '../dto/event.dto';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { CurrentApiKey, CurrentMerchant, MerchantAuthGuard, ReadsOnly, TestKey } from '../http/merchant-auth.guard';
import { ApiErrorResponse, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { startEventStream } from '../http/sse-response';
import { CurrentStreamCredential, StreamAuthGuard } from '../http/stream-auth.guard';
import { ZodPipe } from '../http/zod-body.pipe';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly feed: EventFeed,
    private readonly streams: LiveStreams,
    private readonly tokens: StreamTokens,
    private readonly cursors: EventCursors,
  ) {}

  @Get()
  @UseGuards(MerchantAuthGuard)
  @ApiOperation({
    summary: 'Your status changes, oldest first, after a cursor: poll with nextCursor',
    description: 'A test key reads the events of its test notifications only; any other key, the live ones only.',
  })
  @ApiZodQuery(eventsQuery)
  @ApiZodResponse(200, eventPageSchema, 'The events after the cursor, and where to read on from')
  @ApiErrorResponse(400, 'invalid_query', 'invalid_cursor')
  @ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
  list(
    @CurrentMerchant() merchant: MerchantEntity,
    @TestKey() test: boolean,
    @Query(new ZodPipe(eventsQuery, 'invalid_query', { after: 'invalid_cursor' })) query: EventsQuery,
  ): Promise<EventPage> {
    return this.feed.page(merchant.id, test, query);
  }

  @Get('stream')
  @UseGuards(StreamAuthGuard)
  @ApiOperation({
    summary: 'The same events as Server-Sent Events, live; Last-Event-ID (or lastEventId) resumes with no gap and no duplicate',
    description:
      'Stays open: a `retry:` hint and the position it starts from, then one `id:` / `event: notification.<status>` / `data:` ' +
      '(an Event as JSON) frame per status change, and a heartbeat comment every SSE_HEARTBEAT. A test key’s stream carries its test ' +
      'notifications’ events only; any other key’s, the live ones only. It lasts as long as what opened it: when the key (or the key that ' +
      'issued the stream token) is revoked, or the merchant disabled, it ends within moments on every API process, after a last ' +
      '`event: stream.closed` whose data is `{code, message}` (`invalid_api_key`, `invalid_stream_token` or `merchant_disabled`).',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event (browsers send it on reconnection).' })
  @ApiZodQuery(eventStreamQuery)
  @ApiOkResponse({
    description: 'A Server-Sent Events stream that stays open',
    content: { 'text/event-stream': { schema: { type: 'string', description: 'Server-Sent Events frames.', example: EVENT_STREAM_EXAMPLE } } },
  })
  @ApiErrorResponse(400, 'invalid_query', 'invalid_cursor')
  @ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled', 'invalid_stream_token', 'stream_token_expired')
  @ApiErrorResponse(429, 'too_many_streams')
  @ApiErrorResponse(503, 'shutting_down')
  async stream(
    @CurrentMerchant() merchant: MerchantEntity,
    @CurrentStreamCredential() credential: StreamCredential,
    @Query(new ZodPipe(eventStreamQuery, 'invalid_query', { lastEventId: 'invalid_cursor' })) query: EventStreamQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    // The browser sends Last-Event-ID on its own reconnections; the query only holds where the page first started.
    const lastEventId = request.header('last-event-id') || query.lastEventId;
    const resumeFrom = lastEventId ? this.cursors.decode(merchant.id, lastEventId) : undefined;
    const filter = { orderId: query.orderId, notificationId: query.notificationId };
    await this.streams.open({ merchantId: merchant.id, credential, filter, resumeFrom }, () => startEventStream(request, response));
  }

  @Post('stream-tokens')
  @HttpCode(201)
  @ReadsOnly()
  @UseGuards(MerchantAuthGuard, IdempotencyKeyGuard)
  @ApiOperation({
    summary: 'A short-lived token that opens your event stream as ?token=, so a browser never holds your API key',
    description: 'The stream it opens is the one the issuing key would open (a test key’s: test events only). Revoking that key ends its tokens.',
  })
  @ApiZodResponse(201, streamTokenSchema, 'The token and when it expires')
  @ApiErrorResponse(401, 'missing_api_key', 'invalid_api_key', 'merchant_disabled')
  issueStreamToken(@CurrentMerchant() merchant: MerchantEntity, @CurrentApiKey() key: ApiKeyEntity): StreamTokenResponse {
    return this.tokens.issue({ merchantId: merchant.id, keyId: key.id });
  }
}
