import { useMemo, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n';
import { useLiveEvents, useResync } from '../live/use-live';
import { fetchOrder, ordersPickedUpBetween, summaryOf, withEvent, type OrderSummary } from '../orders/order-data';
import { newerList, newerOf } from '../orders/order-merge';
import { OrderRows } from '../orders/order-rows';
import { startOfDay } from '../time/zoned';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../ui/components';
import { useAsync } from '../ui/use-async';
import styles from './today.module.css';

/**
 * Today and tomorrow's pickups, each with its confirmation and reminder, kept current by the event stream: a status
 * changes in place, an order made or moved into these two days appears.
 */
export function TodayPage() {
  const { t, timeZone, format } = useI18n();
  const [now, setNow] = useState(() => new Date());
  const days = useMemo(() => [startOfDay(now, timeZone), startOfDay(now, timeZone, 1), startOfDay(now, timeZone, 2)], [now, timeZone]);
  const orders = useAsync(() => ordersPickedUpBetween(days[0], days[2]), [days], newerList);

  useResync(() => {
    const today = startOfDay(new Date(), timeZone);
    if (today.getTime() !== days[0].getTime()) setNow(new Date()); // the day turned: a new window (and a new read)
    else void orders.reload();
  });

  useLiveEvents((event) => {
    if (!event.orderId) return;
    // Applied to the list as it is when the update runs: events arriving together each land, none overwrites another.
    const known = orders.data?.some((order) => order.notifications.some((notification) => notification.id === event.notificationId));
    if (known) return orders.setData((current) => (current && withEvent(current, event)) ?? current);
    // Reads for one order's events may answer out of order: each notification keeps its latest change.
    void fetchOrder(event.orderId).then(
      (order) => {
        const pickup = new Date(order.pickupAt);
        orders.setData((current = []) => {
          const others = current.filter((candidate) => candidate.id !== order.id);
          if (pickup < days[0] || pickup >= days[2]) return others;
          const merged = newerOf(current.find((candidate) => candidate.id === order.id), summaryOf(order));
          return [...others, merged].sort((a, b) => a.pickupAt.localeCompare(b.pickupAt) || a.reference.localeCompare(b.reference));
        });
      },
      () => undefined, // gone meanwhile, or another merchant's: nothing to show
    );
  });

  const byDay = (from: Date, to: Date): OrderSummary[] => (orders.data ?? []).filter((order) => new Date(order.pickupAt) >= from && new Date(order.pickupAt) < to);
  const today = byDay(days[0], days[1]);
  const tomorrow = byDay(days[1], days[2]);

  return (
    <>
      <PageHeader title={t('today.title')} />
      <ErrorNotice error={orders.error} />
      {orders.data === undefined ? (
        orders.error ? null : <Loading />
      ) : today.length + tomorrow.length === 0 ? (
        <EmptyState title={t('today.empty')}>
          <p>{t('today.emptyHint')}</p>
        </EmptyState>
      ) : (
        <div class={styles.days}>
          {[
            { label: t('today.today', { date: format(days[0], 'date') }), list: today },
            { label: t('today.tomorrow', { date: format(days[1], 'date') }), list: tomorrow },
          ].map(({ label, list }) => (
            <section key={label} aria-label={label}>
              <h2>{label}</h2>
              {list.length ? <OrderRows orders={list} /> : <p class={styles.none}>{t('today.noPickups')}</p>}
            </section>
          ))}
        </div>
      )}
    </>
  );
}
