import type { Translate } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';

/** Known reasons (a skip's, an undelivered message's, a provider code) in words; anything else as the API gave it. */
export function reasonText(reason: string | null | undefined, t: Translate): string | null {
  if (!reason) return null;
  const key = `reason.${reason}` as MessageKey;
  const worded = t(key);
  return worded === key ? reason : worded;
}

/** What one history entry's `detail` says, in words: a reason, a move, quiet hours, a provider's error. */
export function detailText(detail: Record<string, unknown> | null, t: Translate, format: (iso: string) => string): string[] {
  if (!detail) return [];
  const lines: string[] = [];
  const reason = reasonText(typeof detail.reason === 'string' ? detail.reason : null, t);
  if (reason) lines.push(reason);
  const moved = detail.rescheduled as { from?: string; to?: string } | undefined;
  if (moved?.from && moved.to) lines.push(t('timeline.rescheduled', { from: format(moved.from), to: format(moved.to) }));
  if (detail.quietHours) lines.push(t('timeline.quietHours'));
  if (typeof detail.error === 'string') lines.push(t('timeline.providerSaid', { code: String(detail.code ?? ''), error: detail.error }));
  if (detail.redriven) lines.push(t('timeline.redriven'));
  if (typeof detail.attempt === 'number' && detail.attempt > 1) lines.push(t('timeline.attempt', { attempt: detail.attempt }));
  return lines;
}
