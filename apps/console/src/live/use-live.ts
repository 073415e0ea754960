import { useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from '../session/session';
import type { LiveEvent, StreamState } from './live-stream';

/** Runs `handler` on every status change the stream brings (the latest handler, without resubscribing). */
export function useLiveEvents(handler: (event: LiveEvent) => void): void {
  const { stream } = useSession();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => stream.subscribe((event) => latest.current(event)), [stream]);
}

/** Runs `handler` whenever the page should read its data again (the stream reopened, the page became visible…). */
export function useResync(handler: () => void): void {
  const { stream } = useSession();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => stream.onResync(() => latest.current()), [stream]);
}

export function useStreamState(): StreamState {
  const { stream } = useSession();
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => stream.onState(setState), [stream]);
  return state;
}
