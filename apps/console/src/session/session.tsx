import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { api, expectData, expectOk, onSessionEnded, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { LiveStream } from '../live/live-stream';

/*
 * Signing in exchanges the API key for a session cookie (HttpOnly: no script here can read it). The key lives in the
 * sign-in form's input until the answer comes, and nowhere else: not in storage, not in a URL.
 */

export interface Session {
  view: Schemas['ConsoleSession'];
  merchant: Schemas['Merchant'];
  /** False for a `read` key: every action is hidden. */
  canChange: boolean;
  /** Settings, templates, the webhook endpoint and keys: a full key's alone (a test key acts only in the test world). */
  canConfigure: boolean;
  stream: LiveStream;
  setMerchant: (merchant: Schemas['Merchant']) => void;
}

type SessionState = { status: 'loading' } | { status: 'signed-out'; ended: boolean } | { status: 'signed-in'; session: Session };

interface SessionApi {
  state: SessionState;
  signIn: (apiKey: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

async function issueStreamToken(): Promise<string | null> {
  const { data, response } = await api.POST('/v1/events/stream-tokens');
  if (response.status === 401) return null;
  if (!data) throw new Error(`stream token: ${response.status}`);
  return data.token;
}

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const { setTimeZone } = useI18n();
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const enter = useCallback(
    async (view: Schemas['ConsoleSession']) => {
      const merchant = await expectData(api.GET('/v1/merchant'));
      setTimeZone(merchant.timezone);
      const stream = new LiveStream(issueStreamToken);
      const session: Session = {
        view,
        merchant,
        canChange: view.scope !== 'read',
        canConfigure: view.scope === 'full',
        stream,
        setMerchant: (next) => {
          setTimeZone(next.timezone);
          setState((current) => (current.status === 'signed-in' ? { status: 'signed-in', session: { ...current.session, merchant: next } } : current));
        },
      };
      stream.start();
      setState({ status: 'signed-in', session });
    },
    [setTimeZone],
  );

  useEffect(() => {
    api.GET('/v1/console/session').then(
      ({ data }) => (data ? enter(data) : setState({ status: 'signed-out', ended: false })),
      () => setState({ status: 'signed-out', ended: false }),
    );
  }, [enter]);

  useEffect(
    () =>
      onSessionEnded(() =>
        setState((current) => {
          if (current.status === 'signed-in') current.session.stream.stop();
          return { status: 'signed-out', ended: current.status === 'signed-in' };
        }),
      ),
    [],
  );

  const value = useMemo<SessionApi>(
    () => ({
      state,
      signIn: async (apiKey) => {
        const view = await expectData(api.POST('/v1/console/session', { headers: { authorization: `Bearer ${apiKey}` } }));
        await enter(view);
      },
      signOut: async () => {
        if (state.status === 'signed-in') state.session.stream.stop();
        await expectOk(api.DELETE('/v1/console/session'));
        setState({ status: 'signed-out', ended: false });
      },
    }),
    [state, enter],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionApi(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSessionApi outside SessionProvider');
  return session;
}

/** The signed-in session; pages render only inside one. */
export function useSession(): Session {
  const { state } = useSessionApi();
  if (state.status !== 'signed-in') throw new Error('useSession while signed out');
  return state.session;
}
