import { useEffect, useState } from 'preact/hooks';
import { api, expectData, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { useSession } from '../session/session';
import { ConfirmButton, ErrorNotice } from '../ui/components';
import styles from './customers.module.css';

export type Erasure = Schemas['Erasure'];

/** How often an erasure under way is read again: a worker takes it up within moments and ends it within seconds. */
const POLL_MS = 500;

const isFinished = (erasure: Erasure) => erasure.status === 'completed' || erasure.status === 'failed';

/** Asks for the erasure (DELETE answers at once; a worker does the erasing). Asking again resumes a failed one. */
function requestErasure(customerId: string): Promise<Erasure> {
  return expectData(api.DELETE('/v1/customers/{id}', { params: { path: { id: customerId } } }));
}

/**
 * The erasure of the customer on the page, once asked for: read again until it has completed or failed. A failed read
 * is shown and the next one tried, since the erasure goes on whether the page watches it or not.
 */
export function useErasure(customerId: string) {
  const [erasure, setErasure] = useState<Erasure>();
  const [error, setError] = useState<unknown>();
  const current = erasure?.customerId === customerId ? erasure : undefined;
  const underWay = current !== undefined && !isFinished(current);

  useEffect(() => {
    if (!current || !underWay) return;
    let stopped = false;
    void (async () => {
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        if (stopped) return;
        try {
          const next = await expectData(api.GET('/v1/erasures/{id}', { params: { path: { id: current.id } } }));
          if (stopped) return;
          setError(undefined);
          setErasure(next);
          if (isFinished(next)) return;
        } catch (failure) {
          if (!stopped) setError(failure);
        }
      }
    })();
    return () => {
      stopped = true;
    };
  }, [current?.id, underWay]);

  const request = async () => {
    setError(undefined);
    setErasure(await requestErasure(customerId));
  };
  return { erasure: current, error, request };
}

/**
 * Erase, behind a dialog that says what goes for good and what stays, and waits for a ticked box: one click too many
 * cannot erase a customer.
 */
export function EraseCustomerButton({ name, onConfirm }: { name: string; onConfirm: () => Promise<void> }) {
  const { t } = useI18n();
  return (
    <ConfirmButton
      danger
      label={t('customer.erase')}
      question={t('customer.eraseQuestion', { name })}
      confirmLabel={t('customer.eraseConfirm')}
      acknowledgement={t('customer.eraseAcknowledge')}
      onConfirm={onConfirm}
    >
      <p>{t('customer.eraseWhatGoes')}</p>
      <p>{t('customer.eraseCancels')}</p>
      <p>{t('customer.eraseWhatStays')}</p>
    </ConfirmButton>
  );
}

/** How far the erasure has got, then what it did; a failed one can be asked for again, which resumes it. */
export function ErasureProgress({ erasure, error, onRetry }: { erasure: Erasure; error: unknown; onRetry: () => Promise<void> }) {
  const { t, format } = useI18n();
  const { canChange } = useSession();
  const [retryError, setRetryError] = useState<unknown>();
  const { counts } = erasure;
  return (
    <section class={styles.erasure} aria-label={t('customer.erasure.progress')}>
      <p role="status" data-erasure-status={erasure.status}>
        {t(`customer.erasure.${erasure.status}` as MessageKey, { date: erasure.completedAt ? format(erasure.completedAt, 'dateTime') : '' })}
      </p>
      {!isFinished(erasure) && <progress aria-label={t('customer.erasure.progress')} />}
      {erasure.status === 'completed' && (
        <ul class={styles.erasureCounts}>
          <li>{t('customer.erasure.cancelled', { count: counts.cancelled })}</li>
          <li>{t('customer.erasure.notifications', { count: counts.notifications })}</li>
          <li>{t('customer.erasure.optOuts', { count: counts.optOuts })}</li>
        </ul>
      )}
      <ErrorNotice error={error ?? retryError} />
      {erasure.status === 'failed' && canChange && (
        <button
          type="button"
          class="danger"
          onClick={() => {
            setRetryError(undefined);
            onRetry().catch(setRetryError);
          }}
        >
          {t('customer.eraseAgain')}
        </button>
      )}
    </section>
  );
}
