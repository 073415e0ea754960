import { Module } from '@nestjs/common';
import { CustomersModule } from '@herald/customers';
import { ReceiptsService } from './receipts.service';
import { SendGridSignatureVerifier } from './sendgrid-signature.verifier';
import { TwilioSignatureVerifier } from './twilio-signature.verifier';
import { VonageSignatureVerifier } from './vonage-signature.verifier';

/** Provider webhooks: signature verifiers, and the service that turns receipts into statuses. */
@Module({
  imports: [CustomersModule],
  providers: [ReceiptsService, TwilioSignatureVerifier, VonageSignatureVerifier, SendGridSignatureVerifier],
  exports: [ReceiptsService, TwilioSignatureVerifier, VonageSignatureVerifier, SendGridSignatureVerifier],
})
export class ReceiptsModule {}
