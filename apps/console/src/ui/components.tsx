import type { ComponentChildren, TargetedEvent } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiFailure, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { navigate } from '../router/router';
import styles from './ui.module.css';

type Status = Schemas['NotificationStatus'];

/** A notification status in words; every badge is as wide as the widest, so a change moves nothing around it. */
export function StatusBadge({ status, label }: { status: Status; label?: string }) {
  const { t } = useI18n();
  return (
    <span class={styles.badge} data-status={status}>
      {label ? `${label} · ` : ''}
      {t(`status.${status}` as MessageKey)}
    </span>
  );
}

/** The page's title, focused when the page opens so a keyboard or screen reader starts there. */
export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus({ preventScroll: true }), [title]);
  return (
    <header class={styles.pageHeader}>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children && <div class={styles.pageActions}>{children}</div>}
    </header>
  );
}

/**
 * A search box for a list page: what is searched goes into the page's address (`<path>?q=…`), so it can be bookmarked
 * or shared, and the page lists from the address.
 */
export function SearchForm({ path, searched, id, label, placeholder }: { path: string; searched: string; id: string; label: string; placeholder: string }) {
  const { t } = useI18n();
  const [text, setText] = useState(searched);
  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const wanted = text.trim();
    navigate(wanted ? `${path}?q=${encodeURIComponent(wanted)}` : path, { replace: true });
  };
  return (
    <form class={styles.search} role="search" onSubmit={submit}>
      <label for={id}>{label}</label>
      <input id={id} type="search" value={text} onInput={(event) => setText(event.currentTarget.value)} placeholder={placeholder} />
      <button type="submit">{t('common.search')}</button>
    </form>
  );
}

/** A message's text as its recipient reads it, in its own direction. */
export function MessageBody({ text }: { text: string }) {
  return (
    <blockquote class={styles.messageBody} dir="auto">
      {text}
    </blockquote>
  );
}

/** What a page shows with nothing to list: what it is for, and what to do first. */
export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class={styles.empty} role="status">
      <p class={styles.emptyTitle}>{title}</p>
      {children && <div class={styles.emptyHint}>{children}</div>}
    </div>
  );
}

/** An error in words from the catalogue by its stable code; the API's own message when the catalogue has none. */
export function ErrorNotice({ error, id }: { error: unknown; id?: string }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p id={id} class={styles.error} role="alert">
      {errorText(error, t)}
    </p>
  );
}

export function errorText(error: unknown, t: ReturnType<typeof useI18n>['t']): string {
  if (error instanceof ApiFailure) {
    const key = `error.${error.body.code}` as MessageKey;
    const worded = t(key);
    return worded === key ? error.body.message : worded;
  }
  return t('error.network');
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class={styles.loading} role="status">
      {t('common.loading')}
    </p>
  );
}

/**
 * A button that asks first, in a modal dialog (the browser's own `<dialog>`: focus moves into it and is held there,
 * Escape closes it and gives focus back to the button), then runs `onConfirm`; its error, if any, is shown in the
 * dialog. `children` say more about what confirming does; with `acknowledgement`, confirming waits until its box is
 * ticked, for what cannot be undone.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  danger = false,
  acknowledgement,
  children,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  danger?: boolean;
  acknowledgement?: string;
  children?: ComponentChildren;
}) {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const detailsId = useId();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [acknowledged, setAcknowledged] = useState(false);
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      dialog.current?.close();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  // Each opening asks afresh: no box left ticked, no old error.
  const reset = () => {
    setAcknowledged(false);
    setError(undefined);
  };
  return (
    <>
      <button type="button" class={`${styles.confirm} ${danger ? 'danger' : ''}`} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} class={styles.dialog} aria-label={question} aria-describedby={children ? detailsId : undefined} onClose={reset}>
        <p class={children ? styles.dialogQuestion : undefined}>{question}</p>
        {children && (
          <div id={detailsId} class={styles.dialogDetails}>
            {children}
          </div>
        )}
        {acknowledgement && (
          <label class={styles.acknowledge}>
            <input type="checkbox" checked={acknowledged} onChange={(event) => setAcknowledged(event.currentTarget.checked)} />
            {acknowledgement}
          </label>
        )}
        <ErrorNotice error={error} />
        <div class={styles.dialogActions}>
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('common.back')}
          </button>
          <button type="button" class={danger ? 'danger' : 'primary'} disabled={busy || (acknowledgement !== undefined && !acknowledged)} onClick={confirm}>
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}

/**
 * A form that runs `onSubmit`, shows its error, and says when it is saved. An error `shownBeside` says a field of the
 * form shows beside itself is not repeated under the form.
 */
export function ActionForm({
  onSubmit,
  submitLabel,
  children,
  class: className,
  label,
  shownBeside,
}: {
  onSubmit: () => Promise<void>;
  submitLabel: string;
  children: ComponentChildren;
  class?: string;
  label?: string;
  shownBeside?: (error: unknown) => boolean;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const [state, setState] = useState<'idle' | 'busy' | 'done'>('idle');
  const submit = async (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    setState('busy');
    setError(undefined);
    try {
      await onSubmit();
      setState('done');
    } catch (failure) {
      setError(failure);
      setState('idle');
    }
  };
  return (
    <form class={className ?? styles.form} onSubmit={submit} aria-label={label}>
      {children}
      {!shownBeside?.(error) && <ErrorNotice error={error} />}
      <div class={styles.formActions}>
        <button type="submit" class="primary" disabled={state === 'busy'}>
          {submitLabel}
        </button>
        <span class={styles.saved} role="status">
          {state === 'done' ? t('common.saved') : ''}
        </span>
      </div>
    </form>
  );
}
