/**
 * Every `code` the API can answer with, in one list: the OpenAPI document shows it as the error shape's enum, and the
 * type keeps a code from being thrown without being listed here.
 */
export const ERROR_CODES = [
  // Requests the API cannot read
  'bad_request',
  'malformed_json',
  'validation_failed',
  'invalid_query',
  'invalid_cursor',
  'invalid_day',
  'invalid_idempotency_key',
  'invalid_timezone',
  'invalid_quiet_hours',
  'invalid_reminder_policy',
  'template_syntax_error',
  'template_unknown_variable',
  'template_tag_not_allowed',
  'template_too_long',
  'invalid_preferred_channel',
  'unknown_customer',
  'empty_audience',
  'campaign_body_or_template',
  'payload_too_large',
  'unsupported_media_type',
  'unsupported_encoding',
  'invalid_content_encoding',
  'body_too_deep',
  'unsupported_charset',
  'request_aborted',
  // Who is asking
  'unauthorized',
  'missing_api_key',
  'invalid_api_key',
  'merchant_disabled',
  'admin_auth_required',
  'forbidden',
  'cross_site_request',
  'admin_read_only',
  'invalid_signature',
  'invalid_stream_token',
  'stream_token_expired',
  'rate_limited',
  'too_many_failed_logins',
  'too_many_streams',
  'insufficient_scope',
  // What is asked for
  'route_not_found',
  'method_not_allowed',
  'order_not_found',
  'notification_not_found',
  'template_not_found',
  'webhook_endpoint_not_found',
  'customer_not_found',
  'campaign_not_found',
  'merchant_not_found',
  'api_key_not_found',
  'erasure_not_found',
  // What the request would do
  'order_reference_taken',
  'customer_contact_taken',
  'order_cancelled',
  'notification_not_cancellable',
  'idempotency_request_in_progress',
  'idempotency_key_reused',
  'job_state_changed',
  'pickup_at_in_past',
  'schedule_too_far_ahead',
  'channel_recipient_missing',
  'day_in_future',
  'day_not_over',
  'export_settings_missing',
  'sms_sender_taken',
  'opted_out_by_customer',
  'campaign_finished',
  'webhook_url_not_public',
  'api_key_in_use',
  'too_many_api_keys',
  // Herald's side
  'service_unavailable',
  'shutting_down',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

type SubjectOf<Code> = Code extends `${infer What}_not_found` ? What : never;

/** What `notFound` can name: every listed `<what>_not_found` code. */
export type NotFoundSubject = SubjectOf<ErrorCode>;
