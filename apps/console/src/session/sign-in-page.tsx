import { useRef, useState } from 'preact/hooks';
import type { TargetedEvent } from 'preact';
import { useI18n } from '../i18n/i18n';
import { ErrorNotice } from '../ui/components';
import { LanguagePicker } from '../ui/language-picker';
import { useSessionApi } from './session';
import styles from './sign-in.module.css';

/** The key is read from the field once, sent once as a Bearer header, and the field is emptied. */
export function SignInPage({ ended }: { ended: boolean }) {
  const { t } = useI18n();
  const { signIn } = useSessionApi();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const key = input.current!.value.trim();
    input.current!.value = '';
    setBusy(true);
    setError(undefined);
    try {
      await signIn(key);
    } catch (failure) {
      setError(failure);
      setBusy(false);
      input.current?.focus();
    }
  };

  return (
    <main class={styles.page}>
      <div class={styles.card}>
        <div class={styles.top}>
          <img src="/console/herald.svg" alt="" width={32} height={32} />
          <LanguagePicker />
        </div>
        <h1>{t('signIn.title')}</h1>
        {ended && (
          <p class={styles.ended} role="status">
            {t('signIn.ended')}
          </p>
        )}
        <form onSubmit={submit}>
          <label for="api-key">{t('signIn.apiKey')}</label>
          <input ref={input} id="api-key" name="api-key" type="password" autocomplete="off" spellcheck={false} required aria-describedby="api-key-hint" />
          <p id="api-key-hint" class={styles.hint}>
            {t('signIn.hint')}
          </p>
          <ErrorNotice error={error} />
          <button type="submit" class="primary" disabled={busy}>
            {t('signIn.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
