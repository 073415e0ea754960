import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { Link } from '../router/router';
import { StatusBadge } from '../ui/components';
import type { OrderSummary } from './order-data';
import styles from './orders.module.css';

const KIND_ORDER = ['confirmation', 'reminder'];

/** Orders as rows: pickup, reference (the order's page), customer, and each notification with its status. */
export function OrderRows({ orders, showDate = false }: { orders: OrderSummary[]; showDate?: boolean }) {
  const { t, format } = useI18n();
  return (
    <ul class={styles.rows}>
      {orders.map((order) => (
        <li key={order.id} class={styles.row} data-order={order.id}>
          <span class={styles.pickup}>{format(order.pickupAt, showDate ? 'dateTime' : 'time')}</span>
          <Link class={styles.reference} href={`/orders/${order.id}`}>
            {order.reference}
          </Link>
          <span class={styles.customer}>{order.customer.name ?? order.customer.phone ?? order.customer.email}</span>
          {order.status === 'cancelled' && <span class={styles.cancelled}>{t('order.cancelledTag')}</span>}
          <span class={styles.notifications}>
            {[...order.notifications]
              .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))
              .map((notification) => (
                <span key={notification.id} class={styles.notification} data-notification={notification.id} data-kind={notification.kind}>
                  <span class={styles.notificationLabel}>
                    {t(`kind.${notification.kind}` as MessageKey)} · {t(`channel.${notification.channel}` as MessageKey)}
                    {notification.kind === 'reminder' && ` · ${format(notification.scheduledFor, showDate ? 'dateTime' : 'time')}`}
                  </span>
                  <StatusBadge status={notification.status} />
                </span>
              ))}
          </span>
        </li>
      ))}
    </ul>
  );
}
