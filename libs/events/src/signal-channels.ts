/**
 * `events`: history events of these merchants were committed. `webhook-endpoints`: these merchants changed theirs.
 * `access`: a key of these merchants was revoked, or the merchant disabled: what it opened must close.
 * `credentials`: a key of these merchants was revoked, or the merchant changed (disabled, enabled, its settings): the
 * keys an API process remembers as authenticated must be read again.
 */
export type SignalTopic = 'events' | 'webhook-endpoints' | 'access' | 'credentials';

/** The Redis pub/sub channel of a topic, within one deployment's QUEUE_PREFIX. */
export const signalChannel = (queuePrefix: string, topic: SignalTopic) => `${queuePrefix}:signals:${topic}`;

/** A signal's message: the merchants it names, as a JSON array. */
export const encodeSignal = (merchantIds: Iterable<string>) => JSON.stringify([...merchantIds]);
