import { Body, Controller, Header, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiNoContentResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
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
  vonageDeliveryReceipt,
  VonageDeliveryReceipt,
  vonageInboundMessage,
  VonageInboundMessage,
} from '@herald/receipts';
import { EMPTY_TWIML, sendGridEventExamples, twilioInboundExamples, twilioStatusExamples, twimlView, vonageInboundExamples, vonageStatusExamples } from '../dto/webhook.dto';
import { IdempotencyKeyGuard } from '../http/idempotency-key.guard';
import { ApiErrorResponse, ApiPublicOperation, ApiZodBody, ApiZodQuery, ApiZodResponse } from '../http/openapi';
import { SendGridSignatureGuard, TwilioSignatureGuard, VonageSignatureGuard } from '../http/webhook-signature.guard';
import { ZodPipe } from '../http/zod-body.pipe';


const TWILIO_SIGNATURE = 'HMAC-SHA1 of PUBLIC_URL + path and the sorted parameters, with the Twilio auth token.';

/**
 * Called by providers, not merchants: authenticated by the provider's signature, never by an API key. A missing or
 * wrong signature, or a provider that is not configured, answers 403 and changes nothing.
 */
@ApiTags('webhooks')
@ApiErrorResponse(403, 'invalid_signature')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly receipts: ReceiptsService) {}

  @Post('twilio/status')
  @HttpCode(204)
  @UseGuards(TwilioSignatureGuard, IdempotencyKeyGuard)
  @ApiPublicOperation({
    summary: 'Twilio status callback: delivered → delivered; undelivered or failed → undelivered with the error code',
    description: 'Set as StatusCallback by Herald itself. Error 21610 also opts the recipient out. Replays and late statuses change nothing.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiHeader({ name: 'X-Twilio-Signature', required: true, description: TWILIO_SIGNATURE })
  @ApiZodQuery(twilioStatusQuery)
  @ApiZodBody(twilioStatusCallback, twilioStatusExamples)
  @ApiNoContentResponse({ description: 'Recorded, or nothing to record (also for an unknown message)' })
  twilioStatus(@Query(new ZodPipe(twilioStatusQuery)) query: TwilioStatusQuery, @Body(new ZodPipe(twilioStatusCallback)) callback: TwilioStatusCallback) {
    return this.receipts.recordTwilioStatus(query, callback);
  }

  @Post('twilio/inbound')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @UseGuards(TwilioSignatureGuard, IdempotencyKeyGuard)
  @ApiPublicOperation({
    summary: 'Inbound SMS or WhatsApp message: STOP keywords opt the sender out, START keywords opt back in',
    description:
      'Whole message, trimmed, case- and accent-insensitive. Opt-out: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, ' +
      'OPTOUT, ARRET/ARRÊT. Opt-in: START, YES, UNSTOP, REPRENDRE. Anything else is ignored. Opt-outs are per sender (the number texted). ' +
      'A WhatsApp message (`From` `whatsapp:+…`) opens the customer’s 24-hour session window (free-form messages until it closes); its ' +
      'STOP and START opt the customer out of WhatsApp, or back in, and leave SMS as it is.',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('text/xml')
  @ApiHeader({ name: 'X-Twilio-Signature', required: true, description: TWILIO_SIGNATURE })
  @ApiZodBody(twilioInboundMessage, twilioInboundExamples)
  @ApiZodResponse(200, twimlView, 'Empty TwiML: Twilio sends the standard confirmations itself')
  async twilioInbound(@Body(new ZodPipe(twilioInboundMessage)) message: TwilioInboundMessage): Promise<string> {
    await this.receipts.handleTwilioInbound(message);
    return EMPTY_TWIML;
  }

  @Post('vonage/status')
  @HttpCode(204)
  @UseGuards(VonageSignatureGuard, IdempotencyKeyGuard)
  @ApiPublicOperation({
    summary: 'Vonage delivery receipt: delivered → delivered; failed, rejected or expired → undelivered with the error code',
    description: 'Set as the callback of each message by Herald itself. Signed (sig) with VONAGE_SIGNATURE_SECRET. Replays and late statuses change nothing.',
  })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiZodBody(vonageDeliveryReceipt, vonageStatusExamples)
  @ApiNoContentResponse({ description: 'Recorded, or nothing to record (also for an unknown message)' })
  vonageStatus(@Body(new ZodPipe(vonageDeliveryReceipt)) receipt: VonageDeliveryReceipt) {
    return this.receipts.recordVonageStatus(receipt);
  }

  @Post('vonage/inbound')
  @HttpCode(204)
  @UseGuards(VonageSignatureGuard, IdempotencyKeyGuard)
  @ApiPublicOperation({
    summary: 'Inbound SMS to the Vonage number: STOP keywords opt the sender out, START keywords opt back in',
    description: 'The same keywords as Twilio’s inbound webhook. Signed (sig) with VONAGE_SIGNATURE_SECRET.',
  })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiZodBody(vonageInboundMessage, vonageInboundExamples)
  @ApiNoContentResponse({ description: 'Handled' })
  vonageInbound(@Body(new ZodPipe(vonageInboundMessage)) message: VonageInboundMessage) {
    return this.receipts.handleVonageInbound(message);
  }

  @Post('sendgrid/events')
  @HttpCode(204)
  @UseGuards(SendGridSignatureGuard, IdempotencyKeyGuard)
  @ApiPublicOperation({
    summary: 'SendGrid signed event webhook: delivered → delivered; bounce or dropped → undelivered (statusReason bounced or dropped)',
    description: 'Needs SENDGRID_WEBHOOK_PUBLIC_KEY. Other events (processed, deferred, open, click…) record nothing.',
  })
  @ApiHeader({ name: SENDGRID_SIGNATURE_HEADER, required: true, description: 'ECDSA signature of timestamp + body, checked with SENDGRID_WEBHOOK_PUBLIC_KEY.' })
  @ApiHeader({ name: SENDGRID_TIMESTAMP_HEADER, required: true, description: 'Unix time SendGrid signed the batch at.' })
  @ApiZodBody(sendGridEventBatch, sendGridEventExamples)
  @ApiNoContentResponse({ description: 'Recorded' })
  sendgridEvents(@Body(new ZodPipe(sendGridEventBatch)) events: unknown[]) {
    return this.receipts.recordSendGridEvents(events);
  }
}
