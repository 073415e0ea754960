import { api, expectData, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { useLiveEvents, useResync } from '../live/use-live';
import { reasonText } from '../orders/reasons';
import { Link } from '../router/router';
import { EmptyState, ErrorNotice, Loading, PageHeader, StatusBadge } from '../ui/components';
import { useAsync } from '../ui/use-async';
import styles from './problems.module.css';

type Notification = Schemas['Notification'];

/** The failed ones: `dead` (sending gave up) and `undelivered` (the provider could not deliver), newest change first. */
async function problems(): Promise<Notification[]> {
  const [dead, undelivered] = await Promise.all(
    (['dead', 'undelivered'] as const).map((status) => expectData(api.GET('/v1/notifications', { params: { query: { status, limit: 100 } } }))),
  );
  return [...dead.data, ...undelivered.data].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/**
 * What went wrong, in words, and what the merchant can do about it: the API lets a merchant correct the customer's
 * contacts or move the pickup; sending a dead message again is an operator's (Bull Board, /admin/dead-letters).
 */
export function ProblemsPage() {
  const { t, format } = useI18n();
  const list = useAsync(problems, []);
  useLiveEvents((event) => (event.status === 'dead' || event.status === 'undelivered') && void list.reload());
  useResync(() => void list.reload());

  return (
    <>
      <PageHeader title={t('problems.title')} />
      <p class={styles.intro}>{t('problems.intro')}</p>
      <ErrorNotice error={list.error} />
      {list.data === undefined ? (
        !list.error && <Loading />
      ) : list.data.length === 0 ? (
        <EmptyState title={t('problems.empty')}>
          <p>{t('problems.emptyHint')}</p>
        </EmptyState>
      ) : (
        <>
          <p class={styles.advice}>{t('problems.whatToDo')}</p>
          <ul class={styles.list}>
            {list.data.map((notification) => (
              <li key={notification.id} class={styles.item} data-notification={notification.id}>
                <div class={styles.head}>
                  <StatusBadge status={notification.status} />
                  <span>
                    {t(`kind.${notification.kind}` as MessageKey)} · {t(`channel.${notification.channel}` as MessageKey)} · <bdi dir="ltr">{notification.to}</bdi>
                  </span>
                  <span class={styles.when}>{t('problems.when', { when: format(notification.updatedAt) })}</span>
                </div>
                <p class={styles.reason}>
                  {reasonText(notification.lastErrorCode, t) ?? reasonText(notification.statusReason, t) ?? notification.lastError}
                  {notification.lastError && notification.lastErrorCode && reasonText(notification.lastErrorCode, t) !== notification.lastErrorCode && (
                    <span class={styles.provider}>
                      {' — '}
                      <bdi>{notification.lastError}</bdi>
                    </span>
                  )}
                </p>
                <p class={styles.links}>
                  {notification.orderId ? <Link href={`/orders/${notification.orderId}`}>{t('problems.anOrder')}</Link> : <span>{t('problems.oneOff')}</span>}
                  {notification.customerId && <Link href={`/customers/${notification.customerId}`}>{t('problems.customer')}</Link>}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
