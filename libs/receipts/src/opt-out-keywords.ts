/**
 * Keywords a customer texts to stop or resume messages, matched against the whole message (trimmed, case- and
 * accent-insensitive, so `Arrêt` is `ARRET`). Twilio's default opt-out handling already blocks its own English
 * keywords at the carrier level and sends the standard confirmations; Herald records them too, so it stops queueing
 * texts nobody may receive, and adds the French words Twilio does not know.
 */
const OPT_OUT_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'ARRET']);

/**
 * START, YES and UNSTOP are Twilio's own opt-in keywords; REPRENDRE is the French counterpart of ARRET. A customer who
 * opted out with an English keyword is also blocked by Twilio itself until they text one of Twilio's opt-in words.
 */
const OPT_IN_KEYWORDS = new Set(['START', 'YES', 'UNSTOP', 'REPRENDRE']);

export type KeywordIntent = 'opt_out' | 'opt_in';

/** The customer's intent if the inbound SMS is an opt-out or opt-in keyword; null for any other message. */
export function classifyKeyword(body: string): KeywordIntent | null {
  const word = body
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toUpperCase();
  if (OPT_OUT_KEYWORDS.has(word)) return 'opt_out';
  if (OPT_IN_KEYWORDS.has(word)) return 'opt_in';
  return null;
}
