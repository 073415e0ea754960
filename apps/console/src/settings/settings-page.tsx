import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiFailure, expectData, expectOk, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { durationText } from '../orders/order-page';
import { useSession } from '../session/session';
import { ActionForm, ConfirmButton, ErrorNotice, PageHeader } from '../ui/components';
import { useAsync } from '../ui/use-async';
import { examplePickup, reminderFor, type ReminderPolicy } from './reminder-example';
import styles from './settings.module.css';

/** Lead times offered for the policy; the merchant's own, if another, is offered too. */
const LEAD_TIMES = ['PT1H', 'PT2H', 'PT3H', 'PT6H', 'PT12H', 'P1D', 'P2D'];

type SmsProvider = keyof NonNullable<Schemas['UpdateMerchantRequest']['smsFromByProvider']>;
/** Every SMS provider Herald knows, by the name it goes by; which of them this Herald runs is its operator's choice. */
const SMS_PROVIDERS: Record<SmsProvider, string> = { twilio: 'Twilio', vonage: 'Vonage' };
const SENDER_ERRORS = ['sms_sender_required', 'sms_sender_taken'];
const isSenderError = (error: unknown) => error instanceof ApiFailure && SENDER_ERRORS.includes(error.body.code);
const senderField = (provider?: string) => (provider ? `sms-from-${provider}` : 'sms-from');

/**
 * The merchant's settings: shop, time zone, language, quiet hours, reminder policy (with a worked example), senders;
 * the webhook with its deliveries and secret rotation; the daily export; API keys. With a read key: shown, not editable.
 */
export function SettingsPage() {
  const { t } = useI18n();
  const { canConfigure } = useSession();
  return (
    <>
      <PageHeader title={t('settings.title')} />
      <div class={styles.sections}>
        <MerchantSettings />
        <WebhookSettings />
        <ExportSettings />
        {canConfigure && <ApiKeys />}
      </div>
    </>
  );
}

function ReminderExample({ policy }: { policy: ReminderPolicy }) {
  const { t, format, timeZone } = useI18n();
  const pickup = examplePickup(new Date(), timeZone);
  const reminder = reminderFor(policy, pickup, timeZone);
  return (
    <p class={styles.example} aria-live="polite" data-example>
      {reminder
        ? t('settings.example', { pickup: format(pickup, 'weekdayTime'), reminder: format(reminder, 'weekdayTime') })
        : t('settings.exampleSkipped', { pickup: format(pickup, 'weekdayTime') })}
    </p>
  );
}

function MerchantSettings() {
  const { t } = useI18n();
  const { merchant, setMerchant, canConfigure } = useSession();
  const [name, setName] = useState(merchant.name);
  const [timezone, setTimezone] = useState(merchant.timezone);
  const [locale, setLocale] = useState(merchant.defaultLocale);
  const [quiet, setQuiet] = useState(merchant.quietHours !== null);
  const [quietStart, setQuietStart] = useState(merchant.quietHours?.start ?? '21:00');
  const [quietEnd, setQuietEnd] = useState(merchant.quietHours?.end ?? '08:00');
  const initial = merchant.reminderPolicy as ReminderPolicy;
  const [kind, setKind] = useState<'before' | 'daysBefore'>('before' in initial ? 'before' : 'daysBefore');
  const [before, setBefore] = useState('before' in initial ? initial.before : 'P1D');
  const [daysBefore, setDaysBefore] = useState('daysBefore' in initial ? initial.daysBefore : 1);
  const [at, setAt] = useState('daysBefore' in initial ? initial.at : '10:00');
  const [smsFrom, setSmsFrom] = useState(merchant.smsFrom ?? '');
  const [numbersAt, setNumbersAt] = useState<Record<string, string>>(merchant.smsFromByProvider);
  const [senderName, setSenderName] = useState(merchant.emailSenderName ?? '');
  const [senderProblem, setSenderProblem] = useState<{ error: unknown; fields: string[] }>();
  const policy: ReminderPolicy = kind === 'before' ? { before } : { daysBefore, at };
  const leadTimes = LEAD_TIMES.includes(before) ? LEAD_TIMES : [before, ...LEAD_TIMES];
  const zones = Intl.supportedValuesOf('timeZone');

  const providers = Object.keys(SMS_PROVIDERS) as SmsProvider[];
  const numberAt = (provider: SmsProvider) => numbersAt[provider]?.trim() || null;

  /** The sender fields an error is about: for a missing main number, it and the numbers needing it; for a taken one, the numbers just changed. */
  const senderFieldsOf = (error: unknown): string[] => {
    const given = providers.filter((provider) => numberAt(provider));
    if (error instanceof ApiFailure && error.body.code === 'sms_sender_required') return [senderField(), ...given.map(senderField)];
    const changed = [
      ...(smsFrom.trim() && smsFrom.trim() !== merchant.smsFrom ? [senderField()] : []),
      ...given.filter((provider) => numberAt(provider) !== (merchant.smsFromByProvider[provider] ?? null)).map(senderField),
    ];
    return changed.length > 0 ? changed : [...(smsFrom.trim() ? [senderField()] : []), ...given.map(senderField)];
  };
  const senderInvalid = (field: string) => senderProblem?.fields.includes(field) ?? false;
  const senderDescribedBy = (field: string, hint: string) => (senderInvalid(field) ? `${hint} sms-sender-error` : hint);

  const save = async () => {
    setSenderProblem(undefined);
    try {
      const updated = await expectData(
        api.PATCH('/v1/merchant', {
          body: {
            name: name.trim(),
            timezone,
            defaultLocale: locale.trim(),
            quietHours: quiet ? { start: quietStart, end: quietEnd } : null,
            reminderPolicy: policy,
            smsFrom: smsFrom.trim() || null,
            smsFromByProvider: Object.fromEntries(providers.map((provider) => [provider, numberAt(provider)])),
            emailSenderName: senderName.trim() || null,
          },
        }),
      );
      setMerchant(updated);
      setSmsFrom(updated.smsFrom ?? '');
      setNumbersAt(updated.smsFromByProvider);
    } catch (error) {
      if (isSenderError(error)) setSenderProblem({ error, fields: senderFieldsOf(error) });
      throw error;
    }
  };

  const fields = (
    <fieldset class={styles.fieldset} disabled={!canConfigure}>
      <legend>{t('settings.shop')}</legend>
      <label for="shop-name">{t('settings.name')}</label>
      <input id="shop-name" value={name} onInput={(event) => setName(event.currentTarget.value)} />
      <label for="shop-timezone">{t('settings.timezone')}</label>
      <select id="shop-timezone" value={timezone} onChange={(event) => setTimezone(event.currentTarget.value)}>
        {(zones.includes(timezone) ? zones : [timezone, ...zones]).map((zone) => (
          <option key={zone} value={zone}>
            {zone}
          </option>
        ))}
      </select>
      <label for="shop-locale">{t('settings.defaultLanguage')}</label>
      <input id="shop-locale" value={locale} dir="ltr" onInput={(event) => setLocale(event.currentTarget.value)} />

      <h3>{t('settings.quietHours')}</h3>
      <label class={styles.check}>
        <input type="checkbox" checked={quiet} onChange={(event) => setQuiet(event.currentTarget.checked)} />
        {t('settings.quietEnabled')}
      </label>
      {quiet && (
        <div class={styles.inline}>
          <label>
            {t('settings.quietStart')} <input type="time" value={quietStart} onInput={(event) => setQuietStart(event.currentTarget.value)} />
          </label>
          <label>
            {t('settings.quietEnd')} <input type="time" value={quietEnd} onInput={(event) => setQuietEnd(event.currentTarget.value)} />
          </label>
        </div>
      )}

      <h3>{t('settings.reminder')}</h3>
      <div class={styles.policy}>
        <div class={styles.policyFields}>
          <label class={styles.check}>
            <input type="radio" name="policy" checked={kind === 'before'} onChange={() => setKind('before')} />
            {t('settings.policyBefore')}
          </label>
          {kind === 'before' && (
            <label>
              {t('settings.leadTime')}{' '}
              <select value={before} onChange={(event) => setBefore(event.currentTarget.value)}>
                {leadTimes.map((duration) => (
                  <option key={duration} value={duration}>
                    {durationText(duration, t)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label class={styles.check}>
            <input type="radio" name="policy" checked={kind === 'daysBefore'} onChange={() => setKind('daysBefore')} />
            {t('settings.policyDaysBefore')}
          </label>
          {kind === 'daysBefore' && (
            <div class={styles.inline}>
              <label>
                {t('settings.daysBefore')} <input type="number" min={0} max={365} value={daysBefore} onInput={(event) => setDaysBefore(Number(event.currentTarget.value))} />
              </label>
              <label>
                {t('settings.at')} <input type="time" value={at} onInput={(event) => setAt(event.currentTarget.value)} />
              </label>
            </div>
          )}
        </div>
        <ReminderExample policy={policy} />
      </div>

      <h3>{t('settings.senders')}</h3>
      <label for="sms-from">{t('settings.smsFrom')}</label>
      <input
        id="sms-from"
        value={smsFrom}
        dir="ltr"
        placeholder="+33757000001"
        aria-invalid={senderInvalid(senderField())}
        aria-describedby={senderDescribedBy(senderField(), 'sms-from-hint')}
        onInput={(event) => setSmsFrom(event.currentTarget.value)}
      />
      <p id="sms-from-hint" class={styles.muted}>
        {t('settings.smsFromHint')}
      </p>
      {providers.map((provider) => (
        <Fragment key={provider}>
          <label for={senderField(provider)}>{t('settings.smsFromAt', { provider: SMS_PROVIDERS[provider] })}</label>
          <input
            id={senderField(provider)}
            value={numbersAt[provider] ?? ''}
            dir="ltr"
            aria-invalid={senderInvalid(senderField(provider))}
            aria-describedby={senderDescribedBy(senderField(provider), 'sms-from-at-hint')}
            onInput={(event) => {
              const number = event.currentTarget.value;
              setNumbersAt((current) => ({ ...current, [provider]: number }));
            }}
          />
        </Fragment>
      ))}
      <p id="sms-from-at-hint" class={styles.muted}>
        {t('settings.smsFromAtHint')}
      </p>
      <ErrorNotice id="sms-sender-error" error={senderProblem?.error} />
      <label for="sender-name">{t('settings.emailSenderName')}</label>
      <input id="sender-name" value={senderName} onInput={(event) => setSenderName(event.currentTarget.value)} />
    </fieldset>
  );

  return canConfigure ? (
    <ActionForm label={t('settings.shop')} submitLabel={t('settings.save')} onSubmit={save} shownBeside={isSenderError} class={styles.card}>
      {fields}
    </ActionForm>
  ) : (
    <div class={styles.card}>{fields}</div>
  );
}

function WebhookSettings() {
  const { t, format } = useI18n();
  const { canConfigure } = useSession();
  const endpoint = useAsync(async () => {
    const { data, response } = await api.GET('/v1/webhook-endpoint');
    if (response.status === 404) return null;
    return expectData(Promise.resolve({ data, response }));
  }, []);
  const deliveries = useAsync(() => expectData(api.GET('/v1/webhook-endpoint/deliveries', { params: { query: { limit: 10 } } })), []);
  const [url, setUrl] = useState<string>();
  const [secret, setSecret] = useState<string>();
  const current = endpoint.data;
  const put = async (body: Schemas['PutWebhookEndpointRequest']) => {
    const saved = await expectData(api.PUT('/v1/webhook-endpoint', { body }));
    setSecret(saved.secret);
    endpoint.setData(() => saved);
  };

  return (
    <section class={styles.card} aria-labelledby="webhook">
      <h2 id="webhook">{t('settings.webhook')}</h2>
      <ErrorNotice error={endpoint.error} />
      {endpoint.data === null && <p class={styles.muted}>{t('settings.webhookNone')}</p>}
      {canConfigure ? (
        <ActionForm label={t('settings.webhook')} submitLabel={t('settings.webhookSave')} onSubmit={() => put({ url: (url ?? current?.url ?? '').trim(), ...(current?.events ? { events: current.events } : {}) })} class={styles.subform}>
          <label for="webhook-url">{t('settings.webhookUrl')}</label>
          <input id="webhook-url" type="url" dir="ltr" required value={url ?? current?.url ?? ''} onInput={(event) => setUrl(event.currentTarget.value)} />
        </ActionForm>
      ) : (
        current && <p dir="ltr">{current.url}</p>
      )}
      {secret && (
        <p class={styles.secret} role="status">
          {t('settings.secretOnce', { secret })}
        </p>
      )}
      {canConfigure && current && (
        <ConfirmButton
          label={t('settings.rotateSecret')}
          question={t('settings.rotateQuestion')}
          confirmLabel={t('settings.rotateConfirm')}
          onConfirm={() => put({ url: current.url, ...(current.events ? { events: current.events } : {}) })}
        />
      )}
      <h3>{t('settings.deliveries')}</h3>
      <ErrorNotice error={deliveries.error} />
      {deliveries.data?.data.length === 0 && <p class={styles.muted}>{t('settings.noDeliveries')}</p>}
      <ul class={styles.deliveries}>
        {deliveries.data?.data.map((delivery) => (
          <li key={delivery.id}>
            <time dateTime={delivery.updatedAt}>{format(delivery.updatedAt)}</time> {t('settings.delivery', { event: delivery.type, status: delivery.status, attempts: delivery.attempts.length })}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ExportSettings() {
  const { t, format } = useI18n();
  const { canConfigure } = useSession();
  const settings = useAsync(() => expectData(api.GET('/v1/exports/settings')), []);
  const [enabled, setEnabled] = useState<boolean>();
  const [recipients, setRecipients] = useState<string>();
  const [localTime, setLocalTime] = useState<string>();
  const current = settings.data;
  if (!current) return <ErrorNotice error={settings.error} />;
  const save = async () => {
    const saved = await expectData(
      api.PUT('/v1/exports/settings', {
        body: {
          enabled: enabled ?? current.enabled,
          recipients: (recipients ?? current.recipients.join('\n')).split(/\s+/).filter(Boolean),
          localTime: localTime ?? current.localTime,
        },
      }),
    );
    settings.setData(() => saved);
  };
  const fields = (
    <fieldset class={styles.fieldset} disabled={!canConfigure}>
      <legend>{t('settings.exports')}</legend>
      <label class={styles.check}>
        <input type="checkbox" checked={enabled ?? current.enabled} onChange={(event) => setEnabled(event.currentTarget.checked)} />
        {t('settings.exportsEnabled')}
      </label>
      <label for="export-recipients">{t('settings.exportsRecipients')}</label>
      <textarea id="export-recipients" rows={2} dir="ltr" value={recipients ?? current.recipients.join('\n')} onInput={(event) => setRecipients(event.currentTarget.value)} />
      <label for="export-time">{t('settings.exportsTime')}</label>
      <input id="export-time" type="time" value={localTime ?? current.localTime} onInput={(event) => setLocalTime(event.currentTarget.value)} />
      {current.nextExport && <p class={styles.muted}>{format(current.nextExport.dueAt, 'dateTime')}</p>}
    </fieldset>
  );
  return canConfigure ? (
    <ActionForm label={t('settings.exports')} submitLabel={t('settings.exportsSave')} onSubmit={save} class={styles.card}>
      {fields}
    </ActionForm>
  ) : (
    <div class={styles.card}>{fields}</div>
  );
}

function ApiKeys() {
  const { t, format } = useI18n();
  const { view } = useSession();
  const keys = useAsync(() => expectData(api.GET('/v1/api-keys')), []);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Schemas['ApiKey']['scope']>('read');
  const [created, setCreated] = useState<string>();
  const create = async () => {
    const key = await expectData(api.POST('/v1/api-keys', { body: { name: name.trim(), scope } }));
    setCreated(key.apiKey);
    setName('');
    await keys.reload();
  };
  return (
    <section class={styles.card} aria-labelledby="api-keys">
      <h2 id="api-keys">{t('settings.apiKeys')}</h2>
      <ErrorNotice error={keys.error} />
      <ul class={styles.keys}>
        {keys.data?.data.map((key) => (
          <li key={key.id}>
            <span>
              <strong>{key.name}</strong> <code dir="ltr">{key.prefix}…</code> {t(`settings.scope.${key.scope}` as MessageKey)} ·{' '}
              {key.lastUsedAt ? t('settings.lastUsed', { when: format(key.lastUsedAt) }) : t('settings.neverUsed')}
            </span>
            {key.name === view.keyName && key.scope === view.scope ? (
              <span class={styles.muted}>{t('settings.thisKey')}</span>
            ) : (
              <ConfirmButton
                danger
                label={t('settings.revoke')}
                question={t('settings.revokeQuestion', { name: key.name })}
                confirmLabel={t('settings.revoke')}
                onConfirm={async () => {
                  await expectOk(api.DELETE('/v1/api-keys/{id}', { params: { path: { id: key.id } } }));
                  await keys.reload();
                }}
              />
            )}
          </li>
        ))}
      </ul>
      <ActionForm label={t('settings.createKey')} submitLabel={t('settings.createKey')} onSubmit={create} class={styles.subform}>
        <label for="key-name">{t('settings.keyName')}</label>
        <input id="key-name" required maxLength={100} value={name} onInput={(event) => setName(event.currentTarget.value)} />
        <label for="key-scope">{t('settings.keyScope')}</label>
        <select id="key-scope" value={scope} onChange={(event) => setScope(event.currentTarget.value as Schemas['ApiKey']['scope'])}>
          <option value="read">{t('settings.scope.read')}</option>
          <option value="full">{t('settings.scope.full')}</option>
          <option value="test">{t('settings.scope.test')}</option>
        </select>
      </ActionForm>
      {created && (
        <p class={styles.secret} role="status">
          {t('settings.newKey', { key: created })}
        </p>
      )}
    </section>
  );
}
