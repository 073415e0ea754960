import type { HeraldConfig } from '@herald/config';

/**
 * The number SMS go out from when a merchant has none of its own: TWILIO_FROM, or `log` for the log driver (the
 * name the log channel gives itself). Its opt-out list is the one that applies to those SMS.
 */
export function platformSmsSender(config: Pick<HeraldConfig, 'twilio'>): string {
  return config.twilio?.from ?? 'log';
}
