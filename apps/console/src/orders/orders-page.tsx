import { api, expectData } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { queryParam } from '../router/router';
import { EmptyState, ErrorNotice, Loading, PageHeader, SearchForm } from '../ui/components';
import { useAsync } from '../ui/use-async';
import type { OrderSummary } from './order-data';
import { OrderRows } from './order-rows';

/** A search that looks like a phone number (digits, spaces, +, dashes, at least six digits) is one. */
const looksLikePhone = (text: string) => /^[+\d][\d\s().-]*$/.test(text) && text.replace(/\D/g, '').length >= 6;

async function search(text: string): Promise<OrderSummary[]> {
  if (!text) return (await expectData(api.GET('/v1/orders', { params: { query: { limit: 50 } } }))).data;
  if (looksLikePhone(text)) {
    const { data, error } = await api.GET('/v1/customers', { params: { query: { phone: text, limit: 1 } } });
    if (error || !data?.data.length) return [];
    return (await expectData(api.GET('/v1/orders', { params: { query: { customerId: data.data[0].id, limit: 50 } } }))).data;
  }
  return (await expectData(api.GET('/v1/orders', { params: { query: { referencePrefix: text, limit: 50 } } }))).data;
}

/** Orders by reference (its beginning) or by the customer's phone; the newest first when nothing is searched. */
export function OrdersPage({ path }: { path: string }) {
  const { t } = useI18n();
  const searched = queryParam(path, 'q') ?? '';
  const orders = useAsync(() => search(searched.trim()), [searched]);

  return (
    <>
      <PageHeader title={t('orders.title')} />
      <SearchForm path="/orders" searched={searched} id="order-search" label={t('orders.search')} placeholder={t('orders.searchPlaceholder')} />
      <ErrorNotice error={orders.error} />
      {orders.data === undefined ? (
        !orders.error && <Loading />
      ) : orders.data.length === 0 ? (
        <EmptyState title={searched ? t('orders.noMatch', { search: searched }) : t('orders.empty')}>{!searched && <p>{t('today.emptyHint')}</p>}</EmptyState>
      ) : (
        <OrderRows orders={orders.data} showDate />
      )}
    </>
  );
}
