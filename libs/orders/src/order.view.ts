import type { NotificationView } from '@herald/notifications';
import type { OrderRecord } from '@herald/persistence';

export interface OrderView {
  id: string;
  reference: string;
  status: string;
  pickupAt: string;
  reminderBefore: string;
  channels: string[];
  customer: { name: string | null; phone: string | null; email: string | null; locale: string };
  createdAt: string;
  updatedAt: string;
  notifications: NotificationView[];
}

export function toOrderView({ order, customer }: OrderRecord, notifications: NotificationView[]): OrderView {
  return {
    id: order.id,
    reference: order.reference,
    status: order.status,
    pickupAt: new Date(order.pickupAt).toISOString(),
    reminderBefore: order.reminderBefore,
    channels: order.channels,
    customer: { name: customer.name, phone: customer.phone, email: customer.email, locale: customer.locale },
    createdAt: new Date(order.createdAt).toISOString(),
    updatedAt: new Date(order.updatedAt).toISOString(),
    notifications,
  };
}
