import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again, keeping what is shown until the answer comes (no flash of an empty page). */
  reload: () => Promise<void>;
  setData: (update: (current: T | undefined) => T | undefined) => void;
}

/**
 * `load()` now and whenever `deps` change; the last answer wins when loads overlap. `merge`, when given, combines an
 * answer with what is shown (changes the page applied while the load was on its way stay).
 */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[], merge?: (current: T | undefined, loaded: T) => T): Async<T> {
  const [data, setDataState] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const latestLoad = useRef(load);
  latestLoad.current = load;
  const latestMerge = useRef(merge);
  latestMerge.current = merge;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await latestLoad.current();
      if (mine !== generation.current) return;
      setDataState((current) => (latestMerge.current ? latestMerge.current(current, value) : value));
      setError(undefined);
    } catch (failure) {
      if (mine === generation.current) setError(failure);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => void reload(), deps);

  const setData = useCallback((update: (current: T | undefined) => T | undefined) => setDataState((current) => update(current)), []);
  return { data, error, loading, reload, setData };
}
