import { maskContactsIn, maskRecipient } from './masking';
import { parseRetryAfter } from './provider.error';
import { classifySendGridFailure } from './sendgrid-email.channel';
import { classifyTwilioError, classifyTwilioFailure, WHATSAPP_UNREACHABLE_CODES } from './twilio-client';
import { classifyVonageError, classifyVonageStatus } from './vonage-sms.channel';

describe('provider error classification', () => {
  it.each([
    [400, 21211, 'permanent'],
    [400, 21610, 'permanent'],
    [400, 21408, 'permanent'],
    [401, 20003, 'permanent'],
    [429, 20429, 'transient'],
    [500, undefined, 'transient'],
    [503, undefined, 'transient'],
    [408, undefined, 'transient'],
    [undefined, undefined, 'transient'],
  ])('Twilio HTTP %s code %s is %s', (status, code, kind) => {
    expect(classifyTwilioFailure(status, code, 'x').kind).toBe(kind);
  });

  it.each([
    [400, 63016, 'permanent'],
    [400, 63003, 'permanent'],
    [400, 63024, 'permanent'],
    [400, 21656, 'permanent'],
    [400, 63032, 'permanent'],
    [400, 63049, 'permanent'],
    [503, 63007, 'permanent'],
    [429, 63018, 'transient'],
    [400, 63018, 'transient'],
    [400, 63038, 'transient'],
  ])('Twilio WhatsApp HTTP %s code %s is %s', (status, code, kind) => {
    expect(classifyTwilioFailure(status, code, 'x').kind).toBe(kind);
  });

  it('knows which WhatsApp failures an SMS may get around (not a WhatsApp user, outside the window), and which it may not', () => {
    for (const code of ['63003', '63024', '63016', '63032', '63049']) expect(WHATSAPP_UNREACHABLE_CODES.has(code)).toBe(true);
    for (const code of ['21656', '63018', '63007', '30003']) expect(WHATSAPP_UNREACHABLE_CODES.has(code)).toBe(false);
  });

  it('keeps the Twilio code and a Retry-After only on transient failures', () => {
    expect(classifyTwilioFailure(400, 21211, 'The To number is not valid')).toMatchObject({ code: '21211', retryAfterMs: undefined });
    expect(classifyTwilioFailure(429, 20429, 'Too many requests', 1000)).toMatchObject({ code: '20429', retryAfterMs: 1000 });
    expect(classifyTwilioFailure(undefined, undefined, 'ECONNREFUSED').code).toBe('network');
  });

  it.each([
    ['1', 'transient'],
    ['5', 'transient'],
    ['10', 'transient'],
    ['3', 'permanent'],
    ['4', 'permanent'],
    ['6', 'permanent'],
    ['7', 'permanent'],
    ['9', 'permanent'],
    ['15', 'permanent'],
    ['29', 'permanent'],
    ['33', 'permanent'],
  ])('Vonage SMS API status %s is %s', (status, kind) => {
    expect(classifyVonageStatus(status, 'x')).toMatchObject({ kind, code: `vonage_${status}`, provider: 'vonage' });
  });

  it('tells an answer lost after the request went (ambiguous) from a request that never went', () => {
    const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    expect(classifyVonageError(abort)).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(classifyVonageError(refused)).toMatchObject({ kind: 'transient', code: 'network', ambiguous: false });
    const headersTimeout = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(classifyTwilioError(headersTimeout)).toMatchObject({ kind: 'transient', code: 'timeout', ambiguous: true });
    expect(classifyTwilioError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ code: 'network', ambiguous: false });
  });

  it('classifies SendGrid failures from the SDK error shape', () => {
    const rejected = classifySendGridFailure({ code: 400, message: 'Bad Request', response: { body: { errors: [{ message: 'Does not contain a valid address.' }] } } });
    expect(rejected).toMatchObject({ kind: 'permanent', code: 'http_400', message: 'Does not contain a valid address.' });
    expect(classifySendGridFailure({ code: 403, message: 'Forbidden' }).kind).toBe('permanent');
    const throttled = classifySendGridFailure({ code: 429, message: 'Too Many Requests', response: { headers: { 'retry-after': '2' } } });
    expect(throttled).toMatchObject({ kind: 'transient', retryAfterMs: 2000 });
    expect(classifySendGridFailure(new Error('socket hang up'))).toMatchObject({ kind: 'transient', code: 'network' });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('recipient masking', () => {
  it('never shows a whole phone number or mailbox', () => {
    expect(maskRecipient('+33612345678')).toBe('+33*******78');
    expect(maskRecipient('jane.doe@shop.fr')).toBe('j***@shop.fr');
    expect(maskRecipient('whatsapp:+33612345678')).toBe('whatsapp:+33*******78');
  });

  it('masks numbers and addresses quoted inside provider error messages', () => {
    expect(maskContactsIn("The 'To' number +33610000003 is not a valid phone number.")).toBe("The 'To' number +33*******03 is not a valid phone number.");
    expect(maskContactsIn('Does not contain a valid address: jane.doe@shop.fr')).toBe('Does not contain a valid address: j***@shop.fr');
    expect(maskContactsIn('HTTP 500 after 3 tries')).toBe('HTTP 500 after 3 tries');
    expect(maskContactsIn('Channel could not find To address whatsapp:+33610000003')).toBe('Channel could not find To address whatsapp:+33*******03');
  });
});
