import { Module } from '@nestjs/common';
import { ReceiptsService } from './receipts.service';
import { SendGridSignatureVerifier } from './sendgrid-signature.verifier';
import { TwilioSignatureVerifier } from './twilio-signature.verifier';

/** Provider webhooks: signature verifiers, and the service that turns receipts into statuses. */
@Module({
  providers: [ReceiptsService, TwilioSignatureVerifier, SendGridSignatureVerifier],
  exports: [ReceiptsService, TwilioSignatureVerifier, SendGridSignatureVerifier],
})
export class ReceiptsModule {}
