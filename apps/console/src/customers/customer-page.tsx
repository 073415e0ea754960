import { useEffect, useState } from 'preact/hooks';
import { api, expectData, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { OrderRows } from '../orders/order-rows';
import { useSession } from '../session/session';
import { ActionForm, ErrorNotice, Loading, PageHeader } from '../ui/components';
import { useAsync } from '../ui/use-async';
import { EraseCustomerButton, ErasureProgress, useErasure } from './customer-erasure';
import styles from './customers.module.css';

type Customer = Schemas['Customer'];
type Channel = Schemas['Channel'];
const CHANNELS: Channel[] = ['sms', 'email', 'whatsapp'];
const CONSENT_LABELS: Record<Channel, MessageKey> = { sms: 'customer.consentSms', email: 'customer.consentEmail', whatsapp: 'customer.consentWhatsapp' };
const OPTED_OUT_LABELS: Record<Channel, MessageKey> = { sms: 'customer.optedOutSms', email: 'customer.optedOutEmail', whatsapp: 'customer.optedOutWhatsapp' };
/** Languages with built-in texts; any other tag is accepted too. */
const KNOWN_LOCALES = ['en', 'fr', 'es', 'ar'];

/**
 * One customer: contacts, preferred channel, language and consent per channel. A channel the customer withdrew
 * themselves (STOP, unsubscribe) shows as theirs and cannot be switched back here. Actions sit in one place
 * (CustomerActions). Once its erasure is asked for, the page shows the erasure instead of the customer: from then on the
 * API no longer finds the customer, and its orders keep only what became of each message.
 */
export function CustomerPage({ params }: { params: Record<string, string> }) {
  const { t, format } = useI18n();
  const customer = useAsync(() => expectData(api.GET('/v1/customers/{id}', { params: { path: { id: params.id } } })), [params.id]);
  const orders = useAsync(() => expectData(api.GET('/v1/orders', { params: { query: { customerId: params.id, limit: 20 } } })), [params.id]);
  const erasure = useErasure(params.id);
  const erasureStatus = erasure.erasure?.status;
  useEffect(() => {
    if (erasureStatus === 'completed') void orders.reload();
  }, [erasureStatus]);
  const erase = async () => {
    await erasure.request();
    // Its orders show again once the erasure has completed: without its name, their pending messages cancelled.
    orders.setData(() => undefined);
  };

  const orderList = (
    <>
      <h2>{t('customer.orders')}</h2>
      <ErrorNotice error={orders.error} />
      {orders.data && (orders.data.data.length ? <OrderRows orders={orders.data.data} showDate /> : <p class={styles.muted}>{t('customer.noOrders')}</p>)}
    </>
  );
  if (erasure.erasure) {
    return (
      <>
        <PageHeader title={t(erasureStatus === 'completed' ? 'customer.erasedTitle' : 'customer.erasingTitle')} />
        <ErasureProgress erasure={erasure.erasure} error={erasure.error} onRetry={erasure.request} />
        {orderList}
      </>
    );
  }
  if (!customer.data) return customer.error ? <ErrorNotice error={customer.error} /> : <Loading />;
  const current = customer.data;
  const name = current.name ?? current.phone ?? current.email ?? '';
  return (
    <>
      <PageHeader title={t('customer.title', { name })} />
      <dl class={styles.facts}>
        <dt>{t('customer.phone')}</dt>
        <dd>{current.phone ? <bdi dir="ltr">{current.phone}</bdi> : t('common.none')}</dd>
        <dt>{t('customer.email')}</dt>
        <dd>{current.email ? <bdi dir="ltr">{current.email}</bdi> : t('common.none')}</dd>
        <dt>{t('customer.consent')}</dt>
        <dd>
          {CHANNELS.map((channel) => (
            <span key={channel} class={styles.consent} data-consent={channel}>
              {t(`channel.${channel}` as MessageKey)}: {current.consent[channel] ? '✓' : '✗'}
              {current.optedOutByCustomer[channel] && ` — ${t(OPTED_OUT_LABELS[channel])}`}
            </span>
          ))}
        </dd>
      </dl>
      <p class={styles.muted}>{t('customer.since', { date: format(current.createdAt, 'date') })}</p>
      <CustomerActions customer={current} onChanged={(next) => customer.setData(() => next)} onErase={erase} />
      {orderList}
    </>
  );
}

/** What a session that may change things can do here; a read key sees none of it. */
function CustomerActions({ customer, onChanged, onErase }: { customer: Customer; onChanged: (customer: Customer) => void; onErase: () => Promise<void> }) {
  const { canChange } = useSession();
  if (!canChange) return null;
  return (
    <div class={styles.actions}>
      <CustomerPreferences customer={customer} onChanged={onChanged} />
      <EraseCustomerButton name={customer.name ?? customer.phone ?? customer.email ?? ''} onConfirm={onErase} />
    </div>
  );
}

function CustomerPreferences({ customer, onChanged }: { customer: Customer; onChanged: (customer: Customer) => void }) {
  const { t } = useI18n();
  const [preferred, setPreferred] = useState<string>(customer.preferredChannel ?? '');
  const [locale, setLocale] = useState(customer.locale);
  const [consent, setConsent] = useState(customer.consent);

  const save = async () => {
    const changedConsent = Object.fromEntries(CHANNELS.filter((channel) => consent[channel] !== customer.consent[channel]).map((channel) => [channel, consent[channel]]));
    const body = {
      preferredChannel: preferred === '' ? null : (preferred as Channel),
      ...(locale.trim() !== customer.locale ? { locale: locale.trim() } : {}),
      ...(Object.keys(changedConsent).length ? { consent: changedConsent } : {}),
    };
    onChanged(await expectData(api.PATCH('/v1/customers/{id}', { params: { path: { id: customer.id } }, body })));
  };

  return (
    <ActionForm label={t('customer.preferredChannel')} submitLabel={t('common.save')} onSubmit={save} class={styles.form}>
      <label for="preferred-channel">{t('customer.preferredChannel')}</label>
      <select id="preferred-channel" value={preferred} onChange={(event) => setPreferred(event.currentTarget.value)}>
        <option value="">{t('customer.noPreference')}</option>
        {CHANNELS.map((channel) => (
          <option key={channel} value={channel}>
            {t(`channel.${channel}` as MessageKey)}
          </option>
        ))}
      </select>
      <label for="customer-locale">{t('customer.language')}</label>
      <input id="customer-locale" list="known-locales" value={locale} onInput={(event) => setLocale(event.currentTarget.value)} dir="ltr" />
      <datalist id="known-locales">
        {KNOWN_LOCALES.map((code) => (
          <option key={code} value={code} />
        ))}
      </datalist>
      <fieldset class={styles.consentFields}>
        <legend>{t('customer.consent')}</legend>
        {CHANNELS.map((channel) => {
          const theirs = customer.optedOutByCustomer[channel];
          return (
            <label key={channel} class={styles.check}>
              <input
                type="checkbox"
                checked={consent[channel]}
                disabled={theirs}
                onChange={(event) => setConsent({ ...consent, [channel]: event.currentTarget.checked })}
              />
              {t(CONSENT_LABELS[channel])}
              {theirs && <span class={styles.theirs}>{t(OPTED_OUT_LABELS[channel])}</span>}
            </label>
          );
        })}
      </fieldset>
    </ActionForm>
  );
}
