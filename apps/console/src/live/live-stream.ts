import type { Schemas } from '../api/client';

/*
 * The console's one connection to Herald's event stream. Pages subscribe to it; none opens its own. It owns the
 * EventSource, the stream token it opens with (a session cookie cannot be put in a URL, and the API key never is),
 * and the last event id:
 * - the stream opening (the first time too): pages read their data again, since what changed before it was open
 *   came on no stream;
 * - a network loss or an API restart: the browser reconnects by itself and sends Last-Event-ID, so nothing is missed;
 * - an answer the browser gives up on (an expired token, 503 while the API stops): a new token, and a new stream from
 *   the last event seen (`lastEventId`), then every page reads its data again in case the gap held more;
 * - a laptop waking up, the network coming back, or the page becoming visible again: pages read everything again
 *   (`resync`), and a stream that may have died silently is opened anew from the last event.
 */

export type LiveEvent = Schemas['Event'];
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

const STATUSES: Schemas['NotificationStatus'][] = ['scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'cancelled', 'skipped', 'dead'];
/** A timer that fires this much later than asked means the machine slept in between. */
const SLEEP_GAP_MS = 15_000;
const WAKE_CHECK_MS = 5_000;
const MAX_RETRY_MS = 10_000;

export class LiveStream {
  private source?: EventSource;
  private lastEventId?: string;
  private state: StreamState = 'stopped';
  private retryMs = 500;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private wakeTimer?: ReturnType<typeof setInterval>;
  private lastTick = Date.now();
  private readonly listeners = new Set<(event: LiveEvent) => void>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly stateListeners = new Set<(state: StreamState) => void>();

  /** `issueToken`: a fresh stream token, or null when the session has ended (the stream then stops). */
  constructor(private readonly issueToken: () => Promise<string | null>) {}

  start(): void {
    if (this.state !== 'stopped') return;
    this.setState('connecting');
    document.addEventListener('visibilitychange', this.onVisibility);
    addEventListener('online', this.onBackOnline);
    this.wakeTimer = setInterval(this.checkForSleep, WAKE_CHECK_MS);
    void this.open();
  }

  stop(): void {
    this.setState('stopped');
    this.source?.close();
    this.source = undefined;
    clearTimeout(this.retryTimer);
    clearInterval(this.wakeTimer);
    document.removeEventListener('visibilitychange', this.onVisibility);
    removeEventListener('online', this.onBackOnline);
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `listener` runs whenever pages should read their data again rather than trust the stream alone. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  onState(listener: (state: StreamState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  private setState(state: StreamState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private async open(): Promise<void> {
    this.source?.close();
    this.source = undefined;
    let token: string | null;
    try {
      token = await this.issueToken();
    } catch {
      return this.retryLater(); // the API is away: try again
    }
    if (this.state === 'stopped') return;
    if (token === null) return this.stop();
    const url = new URL('/v1/events/stream', location.origin);
    url.searchParams.set('token', token);
    if (this.lastEventId) url.searchParams.set('lastEventId', this.lastEventId);
    const source = new EventSource(url);
    this.source = source;
    for (const status of STATUSES) source.addEventListener(`notification.${status}`, this.onMessage);
    // Pages read their data before the stream was open (or while it was away): what changed in between is read again.
    source.onopen = () => {
      this.retryMs = 500;
      this.setState('live');
      this.resync();
    };
    source.onerror = () => {
      if (this.source !== source || this.state === 'stopped') return;
      // CONNECTING: the browser retries by itself with Last-Event-ID. CLOSED: it gave up; a new token is needed.
      this.setState('reconnecting');
      if (source.readyState === EventSource.CLOSED) this.retryLater();
    };
  }

  private retryLater(): void {
    if (this.state === 'stopped') return;
    this.setState('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private readonly onMessage = (message: MessageEvent<string>) => {
    this.lastEventId = message.lastEventId;
    const event = JSON.parse(message.data) as LiveEvent;
    for (const listener of this.listeners) listener(event);
  };

  private resync(): void {
    for (const listener of this.resyncListeners) listener();
  }

  /** Opens the stream anew from the last event seen, and has every page read its data again. */
  private refresh(): void {
    if (this.state === 'stopped') return;
    this.setState('reconnecting');
    void this.open();
    this.resync();
  }

  private readonly onVisibility = () => {
    if (document.visibilityState !== 'visible') return;
    if (this.state === 'live') this.resync();
    else this.refresh();
  };

  private readonly onBackOnline = () => this.refresh();

  private readonly checkForSleep = () => {
    const now = Date.now();
    const slept = now - this.lastTick > SLEEP_GAP_MS;
    this.lastTick = now;
    if (slept) this.refresh();
  };
}
