import { Body, Controller, Header, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiForbiddenResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  ReceiptsService,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  sendGridEventBatch,
  twilioInboundMessage,
  TwilioInboundMessage,
  twilioStatusCallback,
  TwilioStatusCallback,
  twilioStatusQuery,
  TwilioStatusQuery,
} from '@herald/receipts';
import { ApiZodBody } from '../http/openapi';
import { SendGridSignatureGuard, TwilioSignatureGuard } from '../http/webhook-signature.guard';
import { ZodPipe } from '../http/zod-body.pipe';

/** Twilio's "do nothing more": it sends the standard STOP/START confirmations itself. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const FORBIDDEN = 'invalid_signature: the signature is missing or wrong, or the provider is not configured; nothing changed';

/** Called by providers, not merchants: authenticated by the provider's signature, never by an API key. */
@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly receipts: ReceiptsService) {}

  @Post('twilio/status')
  @HttpCode(204)
  @UseGuards(TwilioSignatureGuard)
  @ApiOperation({
    summary: 'Twilio status callback: delivered → delivered; undelivered or failed → undelivered with the error code',
    description: 'Set as StatusCallback by Herald itself. Error 21610 also opts the recipient out. Replays and late statuses change nothing.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiHeader({ name: 'X-Twilio-Signature', required: true })
  @ApiZodBody(twilioStatusCallback)
  @ApiNoContentResponse({ description: 'Recorded, or nothing to record (also for an unknown message)' })
  @ApiForbiddenResponse({ description: FORBIDDEN })
  twilioStatus(@Query(new ZodPipe(twilioStatusQuery)) query: TwilioStatusQuery, @Body(new ZodPipe(twilioStatusCallback)) callback: TwilioStatusCallback) {
    return this.receipts.recordTwilioStatus(query, callback);
  }

  @Post('twilio/inbound')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @UseGuards(TwilioSignatureGuard)
  @ApiOperation({
    summary: 'Inbound SMS: STOP keywords opt the sender out, START keywords opt back in',
    description:
      'Whole message, trimmed, case- and accent-insensitive. Opt-out: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, ' +
      'OPTOUT, ARRET/ARRÊT. Opt-in: START, YES, UNSTOP, REPRENDRE. Anything else is ignored. Opt-outs are per sender (the number texted).',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/xml')
  @ApiHeader({ name: 'X-Twilio-Signature', required: true })
  @ApiZodBody(twilioInboundMessage)
  @ApiOkResponse({ description: 'Empty TwiML: Twilio sends the standard confirmations itself' })
  @ApiForbiddenResponse({ description: FORBIDDEN })
  async twilioInbound(@Body(new ZodPipe(twilioInboundMessage)) message: TwilioInboundMessage): Promise<string> {
    await this.receipts.handleTwilioInbound(message);
    return EMPTY_TWIML;
  }

  @Post('sendgrid/events')
  @HttpCode(204)
  @UseGuards(SendGridSignatureGuard)
  @ApiOperation({
    summary: 'SendGrid signed event webhook: delivered → delivered; bounce or dropped → undelivered (statusReason bounced or dropped)',
    description: 'Needs SENDGRID_WEBHOOK_PUBLIC_KEY. Other events (processed, deferred, open, click…) record nothing.',
  })
  @ApiHeader({ name: SENDGRID_SIGNATURE_HEADER, required: true })
  @ApiHeader({ name: SENDGRID_TIMESTAMP_HEADER, required: true })
  @ApiZodBody(sendGridEventBatch)
  @ApiNoContentResponse({ description: 'Recorded' })
  @ApiForbiddenResponse({ description: FORBIDDEN })
  sendgridEvents(@Body(new ZodPipe(sendGridEventBatch)) events: unknown[]) {
    return this.receipts.recordSendGridEvents(events);
  }
}
