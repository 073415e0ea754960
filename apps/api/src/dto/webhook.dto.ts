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

export const vonageStatusExamples: RequestExamples = {
  delivered: {
    summary: 'The carrier confirmed delivery',
    value: {
      msisdn: '33612345678',
      to: '447700900000',
      messageId: '0A0000000123ABCD1',
      status: 'delivered',
      'err-code': '0',
      'client-ref': '3f0c2a9e-8d1b-4c52-9a57-6b1e0f4d2c71',
      'api-key': 'abcd1234',
      timestamp: '1764518400',
      nonce: '6f1c3b2a-4e5d-4f60-8a7b-9c0d1e2f3a4b',
      sig: '1A2B3C4D5E6F708192A3B4C5D6E7F801',
    },
  },
};

export const vonageInboundExamples: RequestExamples = {
  stop: {
    summary: 'A customer opts out',
    value: { msisdn: '33611223344', to: '447700900000', messageId: '0A0000000123ABCD2', text: 'STOP', type: 'text', keyword: 'STOP', 'api-key': 'abcd1234', timestamp: '1764518400', sig: '…' },
  },
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
