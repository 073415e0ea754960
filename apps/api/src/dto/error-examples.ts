import type { ErrorCode } from '@herald/errors';

/** What /docs shows for an error code: when it happens, and the `message` (and `details`) the API answers with. */
export interface ErrorExample {
  when: string;
  message: string;
  details?: unknown;
}

const issue = (path: string, message: string, code: ErrorCode) => ({ issues: [{ path, message, code }] });

/**
 * One example per code, worded as the API words it (the messages come from where each code is thrown). Every code has
 * one, so a new code cannot be documented without it.
 */
export const ERROR_EXAMPLES: Record<ErrorCode, ErrorExample> = {
  bad_request: { when: 'The request cannot be read', message: 'Bad Request' },
  malformed_json: { when: 'The body is not JSON', message: "Expected property name or '}' in JSON at position 1 (line 1 column 2)" },
  validation_failed: {
    when: 'A field is missing, unknown or out of range',
    message: 'Unrecognized key: "colour"',
    details: issue('', 'Unrecognized key: "colour"', 'validation_failed'),
  },
  invalid_query: {
    when: 'A query parameter is out of range',
    message: 'limit: Too big: expected number to be <=200',
    details: issue('limit', 'Too big: expected number to be <=200', 'invalid_query'),
  },
  invalid_cursor: { when: 'The cursor is not one this API returned', message: 'cursor is not one this API returned' },
  invalid_day: {
    when: 'The day is not YYYY-MM-DD',
    message: 'must be a calendar day written YYYY-MM-DD, e.g. 2026-11-21',
    details: issue('', 'must be a calendar day written YYYY-MM-DD, e.g. 2026-11-21', 'invalid_day'),
  },
  invalid_idempotency_key: { when: 'The Idempotency-Key is empty, too long or not printable ASCII', message: 'Idempotency-Key must be 1 to 255 printable ASCII characters' },
  invalid_timezone: {
    when: 'The time zone is not an IANA zone',
    message: 'timezone: must be an IANA time zone, e.g. Europe/Paris',
    details: issue('timezone', 'must be an IANA time zone, e.g. Europe/Paris', 'invalid_timezone'),
  },
  invalid_quiet_hours: {
    when: 'Quiet hours start when they end, or a time is not HH:MM',
    message: 'quietHours.end: start and end must differ',
    details: issue('quietHours.end', 'start and end must differ', 'invalid_quiet_hours'),
  },
  invalid_reminder_policy: {
    when: 'The reminder policy is neither a lead time nor a day and a time',
    message: 'reminderPolicy.daysBefore: expected an integer (whole days before the pickup)',
    details: issue('reminderPolicy.daysBefore', 'expected an integer (whole days before the pickup)', 'invalid_reminder_policy'),
  },
  invalid_retention: {
    when: 'The retention is not a positive ISO 8601 duration',
    message: 'retention: must be a positive ISO 8601 duration, e.g. P1D or PT2H',
    details: issue('retention', 'must be a positive ISO 8601 duration, e.g. P1D or PT2H', 'invalid_retention'),
  },
  invalid_frequency_caps: {
    when: 'A cap is not a whole number from 1 to 1000, or the weekly cap is below the daily one',
    message: 'frequencyCaps.perWeek: must be at least perDay (2)',
    details: issue('frequencyCaps.perWeek', 'must be at least perDay (2)', 'invalid_frequency_caps'),
  },
  template_syntax_error: {
    when: 'The template does not parse',
    message: 'body: Unclosed tag at line 1, column 8',
    details: { field: 'body', position: { offset: 7, line: 1, column: 8 } },
  },
  template_unknown_variable: {
    when: 'The template uses a variable its kind does not know',
    message:
      'body: Unknown variable {{pickupDay}} (a reminder template knows {{shopName}}, {{customerName}}, {{reference}}, {{pickupDate}}, {{pickupTime}}, ' +
      '{{pickupWhen}}) at line 1, column 13',
    details: { field: 'body', position: { offset: 12, line: 1, column: 13 }, variable: 'pickupDay' },
  },
  template_tag_not_allowed: {
    when: 'The template uses a partial or changes delimiters',
    message: 'body: partials are not allowed at line 1, column 1',
    details: { field: 'body', position: { offset: 0, line: 1, column: 1 } },
  },
  template_too_long: {
    when: 'With every variable at its longest, the template could render longer than its channel allows',
    message: 'body: could render 2004 characters with every variable at its longest, more than the 1600 an SMS may have',
    details: { field: 'body', channel: 'sms', longestRendering: 2004, max: 1600 },
  },
  invalid_preferred_channel: {
    when: 'The preferred channel is not sms, email, whatsapp or null',
    message: 'preferredChannel: Invalid option: expected one of "sms"|"email"|"whatsapp"',
    details: issue('preferredChannel', 'Invalid option: expected one of "sms"|"email"|"whatsapp"', 'invalid_preferred_channel'),
  },
  invalid_content_sid: {
    when: 'A WhatsApp template’s contentSid is not a Twilio Content SID (HX and 32 hex digits), or is given for another channel',
    message: 'contentSid: must be a Twilio Content SID: HX followed by 32 hexadecimal digits',
    details: issue('contentSid', 'must be a Twilio Content SID: HX followed by 32 hexadecimal digits', 'invalid_content_sid'),
  },
  invalid_content_variables: {
    when: 'A WhatsApp template’s contentVariables names a variable its kind does not have, or is given without contentSid',
    message: 'contentVariables: reference is not a variable of campaign (shopName, customerName)',
    details: { field: 'contentVariables', unknown: ['reference'] },
  },
  unknown_customer: {
    when: 'A customerId is not one of your customers',
    message: 'customerId 3f0c2a9e-8d4b-4c1a-9e7f-2b6d8a0c4e1f is not one of your customers',
    details: { customerIds: ['3f0c2a9e-8d4b-4c1a-9e7f-2b6d8a0c4e1f'] },
  },
  empty_audience: { when: 'The audience names nobody', message: 'audience: give {all: true} or a non-empty customerIds' },
  campaign_body_or_template: { when: 'Both or neither of body and template', message: 'give exactly one of body or template' },
  payload_too_large: { when: 'The body is larger than BODY_LIMIT', message: 'request entity too large' },
  unsupported_media_type: { when: 'The body is not application/json', message: 'send the body as application/json' },
  unsupported_encoding: { when: 'The body’s Content-Encoding is not supported', message: 'unsupported content encoding "br"' },
  invalid_content_encoding: { when: 'The body is not what its Content-Encoding says (e.g. plain JSON sent as gzip)', message: 'the body is not what its Content-Encoding (gzip) says' },
  body_too_deep: { when: 'The body nests objects or arrays more than 32 levels deep', message: 'the body nests more than 32 levels of objects or arrays' },
  unsupported_charset: { when: 'The body’s charset is not UTF-8', message: 'unsupported charset "ISO-8859-1"' },
  request_aborted: { when: 'The client hung up while sending the body', message: 'request aborted' },
  unauthorized: { when: 'No valid credentials', message: 'Unauthorized' },
  missing_api_key: { when: 'No Authorization: Bearer header', message: 'send your API key as Authorization: Bearer <key>' },
  invalid_api_key: { when: 'The API key is unknown or was replaced', message: 'the API key is not valid' },
  merchant_disabled: {
    when: 'An operator disabled the merchant (POST /admin/merchants/{id}/disable); its sends are held until it is enabled',
    message: 'this merchant is disabled; ask the operator of this Herald to enable it',
  },
  admin_auth_required: { when: 'No or wrong admin credentials', message: 'admin credentials are required' },
  forbidden: { when: 'Not allowed', message: 'Forbidden' },
  cross_site_request: { when: 'A page on another site sent the request', message: 'requests from another site cannot change anything under /admin' },
  admin_read_only: { when: 'The read-only admin credentials tried a change', message: 'these credentials can look at /admin but not change anything' },
  invalid_signature: { when: 'The provider’s signature is missing or wrong', message: 'X-Twilio-Signature does not match this request' },
  invalid_stream_token: { when: 'The stream token is unknown or altered', message: 'the stream token is not valid' },
  stream_token_expired: { when: 'The stream token is older than its lifetime', message: 'the stream token has expired: ask POST /v1/events/stream-tokens for a new one' },
  rate_limited: { when: 'More than ADMIN_RATE_LIMIT admin requests from this address within a minute', message: 'ThrottlerException: Too Many Requests' },
  too_many_failed_logins: {
    when: 'Too many wrong admin credentials from this address (ADMIN_LOGIN_FAILURES within ADMIN_LOCKOUT)',
    message: 'too many wrong admin credentials from this address; try again in 900 s',
  },
  too_many_streams: { when: 'You already have as many event streams open as allowed', message: 'at most 10 event streams may be open at once; close one first' },
  insufficient_scope: {
    when: 'A read key asked for a route that changes something, or a test key for one about live data or settings',
    message: 'this key may only read (scope read): use a key with scope full',
  },
  console_session_ended: {
    when: 'The console session cookie names a session that was signed out, expired or whose key was revoked',
    message: 'the console session has ended (signed out, expired or its key revoked): sign in again',
  },
  route_not_found: { when: 'No such route', message: 'Cannot GET /v1/order' },
  method_not_allowed: { when: 'The route does not take this method', message: 'Method Not Allowed' },
  order_not_found: { when: 'No order of yours has this id', message: 'order not found' },
  notification_not_found: { when: 'No notification of yours has this id', message: 'notification not found' },
  template_not_found: { when: 'No template for this kind and locale', message: 'template not found' },
  webhook_endpoint_not_found: { when: 'You have no webhook endpoint', message: 'webhook endpoint not found' },
  customer_not_found: { when: 'No customer of yours has this id (or it was erased)', message: 'customer not found' },
  campaign_not_found: { when: 'No campaign of yours has this id', message: 'campaign not found' },
  merchant_not_found: { when: 'No merchant has this id', message: 'merchant not found' },
  api_key_not_found: { when: 'No API key of yours has this id (it may be revoked already)', message: 'api key not found' },
  erasure_not_found: { when: 'No erasure of yours has this id', message: 'erasure not found' },
  order_reference_taken: { when: 'You already have an order with this reference', message: 'an order with reference A-1042 already exists' },
  order_cancelled: { when: 'The order was cancelled', message: 'a cancelled order cannot be changed' },
  notification_not_cancellable: {
    when: 'The notification already went out or ended',
    message: 'a sent notification cannot be cancelled',
    details: { status: 'sent' },
  },
  idempotency_request_in_progress: { when: 'The first request with this Idempotency-Key is still running', message: 'a request with this Idempotency-Key is still being processed' },
  idempotency_key_reused: { when: 'The Idempotency-Key came with another body within 24 h', message: 'this Idempotency-Key was used with a different request' },
  job_state_changed: { when: 'The job moved on while you acted on it', message: 'the job changed meanwhile: Job is not in the failed state' },
  pickup_at_in_past: { when: 'pickupAt has passed', message: 'pickupAt is in the past' },
  schedule_too_far_ahead: {
    when: 'The time is beyond MAX_SCHEDULE_AHEAD',
    message: 'pickupAt is more than P1Y ahead (MAX_SCHEDULE_AHEAD); the latest accepted now is 2027-12-07T09:00:00.000Z',
    details: { field: 'pickupAt', latest: '2027-12-07T09:00:00.000Z' },
  },
  channel_recipient_missing: { when: 'The channel needs a contact the customer does not have', message: 'the customer has no email address' },
  day_in_future: { when: 'The day has not begun', message: '2026-12-31 has not begun yet in Europe/Paris' },
  day_not_over: { when: 'The day is not over', message: '2026-12-07 is not over yet in Europe/Paris: only past days can be sent' },
  export_settings_missing: { when: 'No export recipients yet', message: 'set the export recipients first: PUT /v1/exports/settings' },
  sms_sender_taken: { when: 'Another merchant sends from one of these numbers', message: 'one of these SMS numbers is another merchant’s sender' },
  sms_sender_required: {
    when: 'Numbers by provider without `smsFrom`',
    message: 'numbers by provider need smsFrom, your main number: a STOP texted to any of them stops the texts from smsFrom too',
  },
  opted_out_by_customer: {
    when: 'The customer opted out; only they can opt back in',
    message: 'the customer opted out of SMS (STOP); only the customer can opt back in, by texting START',
  },
  customer_contact_taken: {
    when: 'Another of your customers has this phone number or email address (customers are never merged)',
    message: 'another of your customers has this phone number',
    details: { field: 'phone' },
  },
  campaign_finished: { when: 'The campaign has completed', message: 'the campaign has completed: no send is left to cancel' },
  api_key_in_use: { when: 'You asked to revoke the key you are calling with', message: 'this is the key you are calling with: revoke it with another full key' },
  too_many_api_keys: { when: 'You hold as many API keys as allowed', message: 'a merchant holds at most 50 API keys: revoke one first' },
  retention_out_of_range: {
    when: 'The retention is shorter than P1D or longer than P3Y',
    message: 'retention: P5Y is longer than P3Y, the longest retention',
    details: issue('retention', 'P5Y is longer than P3Y, the longest retention', 'retention_out_of_range'),
  },
  retention_above_maximum: {
    when: 'The retention is longer than this Herald allows (MAX_RETENTION)',
    message: 'retention: P2Y is longer than P1Y, the longest retention this Herald keeps data (MAX_RETENTION)',
    details: issue('retention', 'P2Y is longer than P1Y, the longest retention this Herald keeps data (MAX_RETENTION)', 'retention_above_maximum'),
  },
  webhook_url_not_public: {
    when: 'The URL’s host is or resolves to a private address',
    message: "the webhook URL's host resolves to a non-public address (private): webhooks go only to addresses on the public internet",
  },
  service_unavailable: { when: 'Postgres or Redis does not answer', message: 'a backing service is unavailable; retry shortly' },
  shutting_down: { when: 'This API instance is shutting down', message: 'this API instance is shutting down; connect again' },
  internal_error: { when: 'A bug on Herald’s side', message: 'internal error' },
};
