import { useState } from 'preact/hooks';
import type { TargetedEvent } from 'preact';
import { api, expectData, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { Link, navigate, queryParam } from '../router/router';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../ui/components';
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
  const [text, setText] = useState(searched);
  const customers = useAsync(() => search(searched.trim()), [searched]);
  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    navigate(text.trim() ? `/customers?q=${encodeURIComponent(text.trim())}` : '/customers', { replace: true });
  };

  return (
    <>
      <PageHeader title={t('customers.title')} />
      <form class={styles.search} role="search" onSubmit={submit}>
        <label for="customer-search">{t('customers.search')}</label>
        <input id="customer-search" type="search" value={text} onInput={(event) => setText(event.currentTarget.value)} placeholder={t('customers.searchPlaceholder')} />
        <button type="submit">{t('common.search')}</button>
      </form>
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
