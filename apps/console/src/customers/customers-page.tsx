import { api, expectData, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { Link, queryParam } from '../router/router';
import { EmptyState, ErrorNotice, Loading, PageHeader, SearchForm } from '../ui/components';
import { useAsync } from '../ui/use-async';
import styles from './customers.module.css';

type Customer = Schemas['Customer'];

/** A phone or an email: whichever the search looks like. */
async function search(text: string): Promise<Customer[]> {
  const query = !text ? {} : text.includes('@') ? { email: text } : { phone: text };
  const answer = await api.GET('/v1/customers', { params: { query: { ...query, limit: 50 } } });
  if (answer.response.status === 400 && text) return []; // not a phone or an email anyone could have
  return (await expectData(Promise.resolve(answer))).data;
}

export function CustomersPage({ path }: { path: string }) {
  const { t } = useI18n();
  const searched = queryParam(path, 'q') ?? '';
  const customers = useAsync(() => search(searched.trim()), [searched]);

  return (
    <>
      <PageHeader title={t('customers.title')} />
      <SearchForm path="/customers" searched={searched} id="customer-search" label={t('customers.search')} placeholder={t('customers.searchPlaceholder')} />
      <ErrorNotice error={customers.error} />
      {customers.data === undefined ? (
        !customers.error && <Loading />
      ) : customers.data.length === 0 ? (
        <EmptyState title={searched ? t('customers.noMatch', { search: searched }) : t('customers.empty')}>{!searched && <p>{t('customers.emptyHint')}</p>}</EmptyState>
      ) : (
        <ul class={styles.list}>
          {customers.data.map((customer) => (
            <li key={customer.id} class={styles.item}>
              <Link href={`/customers/${customer.id}`}>{customer.name ?? customer.phone ?? customer.email}</Link>
              <span>{[customer.phone, customer.email].filter(Boolean).join(' · ')}</span>
              <span class={styles.muted}>
                {customer.preferredChannel ? t(`channel.${customer.preferredChannel}` as MessageKey) : ''} {customer.locale}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
