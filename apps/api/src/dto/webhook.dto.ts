import { z } from 'zod';
import type { RequestExamples } from '../http/openapi';

/** Twilio's "do nothing more": it sends the standard STOP/START confirmations itself. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export const twimlView = z.string().meta({ id: 'TwiML', description: 'An empty TwiML response.', example: EMPTY_TWIML });

/* What the providers post; a request needs their signature, so these examples are for reading (the tests sign them). */

export const twilioStatusExamples: RequestExamples = {
  delivered: {
    summary: 'The carrier confirmed delivery',
    value: { MessageSid: 'SM0123456789abcdef0123456789abcdef', MessageStatus: 'delivered', From: '+15005550006', To: '+33612345678' },
  },
};

export const twilioInboundExamples: RequestExamples = {
  stop: { summary: 'A customer opts out', value: { From: '+33611223344', To: '+15005550006', Body: 'STOP' } },
};

export const sendGridEventExamples: RequestExamples = {
  delivered: {
    summary: 'A mail was delivered',
    value: [
      {
        email: 'ada@example.com',
        timestamp: 1764518400,
        event: 'delivered',
        sg_event_id: 'ZGVsaXZlcmVkLTAtMjQ',
        sg_message_id: 'x1b2c3d4e5.filter0001',
        notificationId: '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71',
      },
    ],
  },
};
