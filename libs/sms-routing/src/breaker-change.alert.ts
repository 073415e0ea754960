import type { AlertMessage } from '@herald/alerts';

/** What operators hear when an SMS provider's breaker opens (its traffic moves to the others) or closes (it is back). */
export function describeBreakerChange(provider: string, change: 'opened' | 'closed', others: readonly string[]): AlertMessage {
  const opened = change === 'opened';
  const title = opened ? `SMS provider ${provider} is failing: traffic moved to ${others.join(', ')}` : `SMS provider ${provider} is back: its traffic returns step by step`;
  const detail = opened
    ? 'Its sends failed transiently too many times in a row (SMS_BREAKER_FAILURES). One probe send goes to it after SMS_BREAKER_COOLDOWN; a success brings it back. Sends it left unanswered stay with it until it says whether it took them.'
    : 'A probe send succeeded: it takes traffic again, its share growing back with each success. /health/ready’s details (smsProviders) show the weights.';
  return {
    text: title,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title } },
      { type: 'section', text: { type: 'mrkdwn', text: detail } },
    ],
  };
}
