import { Controller, Get, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { EventCursors, EventFeed, LiveStreams, StreamTokens } from '@herald/events';
import type { MerchantEntity } from '@herald/persistence';
import { EventPage, eventsQuery, EventsQuery, eventStreamQuery, EventStreamQuery, StreamTokenResponse } from '../dto/event.dto';
import { CurrentMerchant, MerchantAuthGuard } from '../http/merchant-auth.guard';
import { ApiZodQuery } from '../http/openapi';
import { startEventStream } from '../http/sse-response';
import { StreamAuthGuard } from '../http/stream-auth.guard';
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
  @ApiOperation({ summary: 'Your status changes, oldest first, after a cursor: poll with nextCursor' })
  @ApiZodQuery(eventsQuery)
  list(@CurrentMerchant() merchant: MerchantEntity, @Query(new ZodPipe(eventsQuery, 'invalid_query')) query: EventsQuery): Promise<EventPage> {
    return this.feed.page(merchant.id, query);
  }

  @Get('stream')
  @UseGuards(StreamAuthGuard)
  @ApiOperation({
    summary: 'The same events as Server-Sent Events, live; Last-Event-ID (or lastEventId) resumes with no gap and no duplicate',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event (browsers send it on reconnection)' })
  @ApiZodQuery(eventStreamQuery)
  async stream(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query(new ZodPipe(eventStreamQuery, 'invalid_query')) query: EventStreamQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    // The browser sends Last-Event-ID on its own reconnections; the query only holds where the page first started.
    const lastEventId = request.header('last-event-id') || query.lastEventId;
    const resumeFrom = lastEventId ? this.cursors.decode(merchant.id, lastEventId) : undefined;
    const filter = { orderId: query.orderId, notificationId: query.notificationId };
    await this.streams.open({ merchantId: merchant.id, filter, resumeFrom }, () => startEventStream(request, response));
  }

  @Post('stream-tokens')
  @HttpCode(201)
  @UseGuards(MerchantAuthGuard)
  @ApiOperation({ summary: 'A short-lived token that opens your event stream as ?token=, so a browser never holds your API key' })
  issueStreamToken(@CurrentMerchant() merchant: MerchantEntity): StreamTokenResponse {
    return this.tokens.issue(merchant.id);
  }
}
