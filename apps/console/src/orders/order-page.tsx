import { useState } from 'preact/hooks';
import { api, expectData } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { useLiveEvents, useResync } from '../live/use-live';
import { Link, navigate } from '../router/router';
import { useSession } from '../session/session';
import { fromLocalInput, toLocalInput } from '../time/zoned';
import { ActionForm, ConfirmButton, ErrorNotice, Loading, MessageBody, PageHeader, StatusBadge } from '../ui/components';
import { useAsync } from '../ui/use-async';
import { fetchOrder, type Order } from './order-data';
import { detailText, reasonText } from './reasons';
import styles from './orders.module.css';

/** Lead times offered; the order's own, if another, is offered too. */
const LEAD_TIMES = ['PT30M', 'PT1H', 'PT2H', 'PT3H', 'PT6H', 'P1D', 'P2D'];

/** One order: its notifications and each one's whole history, live; and, with a full key, move, re-time or cancel it. */
export function OrderPage({ params }: { params: Record<string, string> }) {
  const { t, format } = useI18n();
  const order = useAsync(() => fetchOrder(params.id), [params.id]);
  useLiveEvents((event) => event.orderId === params.id && void order.reload());
  useResync(() => void order.reload());

  if (!order.data) return order.error ? <NotFound error={order.error} /> : <Loading />;
  const current = order.data;
  return (
    <>
      <PageHeader title={t('order.title', { reference: current.reference })}>
        {current.status === 'cancelled' && <span class={styles.cancelled}>{t('order.cancelledTag')}</span>}
      </PageHeader>
      <dl class={styles.facts}>
        <dt>{t('order.pickup')}</dt>
        <dd>{format(current.pickupAt, 'full')}</dd>
        <dt>{t('order.customer')}</dt>
        <dd>
          <Link href={`/customers/${current.customer.id}`}>{current.customer.name ?? current.customer.phone ?? current.customer.email}</Link>
        </dd>
        <dt>{t('order.reminderRule')}</dt>
        <dd>{current.reminderBefore ? t('order.leadTime', { duration: durationText(current.reminderBefore, t) }) : policyText(current.reminderPolicy, t)}</dd>
      </dl>
      <OrderActions order={current} onChanged={(next) => order.setData(() => next)} />
      <h2>{t('order.notifications')}</h2>
      <div class={styles.timelines}>
        {current.notifications.map((notification) => (
          <section key={notification.id} class={styles.timeline} data-notification={notification.id} aria-label={`${t(`kind.${notification.kind}` as MessageKey)} · ${t(`channel.${notification.channel}` as MessageKey)}`}>
            <h3>
              {t(`kind.${notification.kind}` as MessageKey)} · {t(`channel.${notification.channel}` as MessageKey)} <StatusBadge status={notification.status} />
            </h3>
            <p class={styles.meta}>
              {t('order.to', { to: notification.to })} · {t('order.due', { when: format(notification.scheduledFor, 'dateTime') })}
              {notification.segments && ` · ${t('template.segments', { count: notification.segments, encoding: notification.encoding ?? '' })}`}
            </p>
            {notification.statusReason && <p class={styles.reason}>{reasonText(notification.statusReason, t)}</p>}
            {notification.lastError && <p class={styles.reason}>{t('timeline.providerSaid', { code: notification.lastErrorCode ?? '', error: notification.lastError })}</p>}
            {notification.body && (
              <MessageBody text={notification.body} />
            )}
            <ol class={styles.events}>
              {notification.events.map((event, index) => (
                <li key={index}>
                  <StatusBadge status={event.status} />
                  <time dateTime={event.at}>{format(event.at, 'full')}</time>
                  {detailText(event.detail, t, (iso) => format(iso, 'dateTime')).map((line) => (
                    <span key={line} class={styles.detail}>
                      {line}
                    </span>
                  ))}
                </li>
              ))}
            </ol>
          </section>
        ))}
      </div>
    </>
  );
}

function NotFound({ error }: { error: unknown }) {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('order.notFound')} />
      <ErrorNotice error={error} />
      <Link href="/orders">{t('order.backToOrders')}</Link>
    </>
  );
}

export function durationText(duration: string, t: ReturnType<typeof useI18n>['t']): string {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration);
  if (!match) return duration;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const parts = [
    days && t('duration.days', { count: days }),
    hours && t('duration.hours', { count: hours }),
    minutes && t('duration.minutes', { count: minutes }),
    seconds && t('duration.seconds', { count: seconds }),
  ].filter(Boolean);
  return parts.join(' ') || duration;
}

export function policyText(policy: Order['reminderPolicy'], t: ReturnType<typeof useI18n>['t']): string {
  if ('before' in policy) return t('order.leadTime', { duration: durationText(policy.before, t) });
  return t('order.daysBeforeAt', { days: policy.daysBefore, at: policy.at });
}

function OrderActions({ order, onChanged }: { order: Order; onChanged: (order: Order) => void }) {
  const { t, timeZone } = useI18n();
  const { canChange } = useSession();
  const [pickup, setPickup] = useState(() => toLocalInput(new Date(order.pickupAt), timeZone));
  const [lead, setLead] = useState(order.reminderBefore ?? 'P1D');
  if (!canChange || order.status === 'cancelled') return null;
  const leadTimes = LEAD_TIMES.includes(lead) ? LEAD_TIMES : [lead, ...LEAD_TIMES];

  const patch = async (body: { pickupAt?: string; reminderBefore?: string }) =>
    onChanged(await expectData(api.PATCH('/v1/orders/{id}', { params: { path: { id: order.id } }, body })));

  return (
    <div class={styles.actions}>
      <ActionForm
        label={t('order.movePickup')}
        submitLabel={t('order.movePickup')}
        onSubmit={async () => {
          const instant = fromLocalInput(pickup, timeZone);
          if (!instant) throw new Error('invalid');
          await patch({ pickupAt: instant.toISOString() });
        }}
      >
        <label for="pickup-at">{t('order.newPickup', { zone: timeZone })}</label>
        <input id="pickup-at" type="datetime-local" required value={pickup} onInput={(event) => setPickup(event.currentTarget.value)} />
      </ActionForm>
      <ActionForm label={t('order.changeLeadTime')} submitLabel={t('order.changeLeadTime')} onSubmit={() => patch({ reminderBefore: lead })}>
        <label for="lead-time">{t('order.reminderBefore')}</label>
        <select id="lead-time" value={lead} onChange={(event) => setLead(event.currentTarget.value)}>
          {leadTimes.map((duration) => (
            <option key={duration} value={duration}>
              {durationText(duration, t)}
            </option>
          ))}
        </select>
      </ActionForm>
      <ConfirmButton
        danger
        label={t('order.cancel')}
        question={t('order.cancelQuestion', { reference: order.reference })}
        confirmLabel={t('order.cancelConfirm')}
        onConfirm={async () => {
          onChanged(await expectData(api.POST('/v1/orders/{id}/cancel', { params: { path: { id: order.id } } })));
          navigate(`/orders/${order.id}`, { replace: true });
        }}
      />
    </div>
  );
}
