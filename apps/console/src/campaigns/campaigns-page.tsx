import { useState } from 'preact/hooks';
import { api, expectData } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { Link, navigate } from '../router/router';
import { useSession } from '../session/session';
import { ConfirmButton, EmptyState, ErrorNotice, Loading, PageHeader } from '../ui/components';
import { useAsync } from '../ui/use-async';
import { countAudience } from './audience';
import { CampaignProgress } from './campaign-progress';
import styles from './campaigns.module.css';

/** Campaigns, newest first with their progress; with a full key, a new one, its audience counted before it is sent. */
export function CampaignsPage() {
  const { t } = useI18n();
  const { canChange } = useSession();
  const campaigns = useAsync(() => expectData(api.GET('/v1/campaigns', { params: { query: { limit: 50 } } })), []);

  return (
    <>
      <PageHeader title={t('campaigns.title')} />
      {canChange && <NewCampaign />}
      <h2>{t('campaigns.list')}</h2>
      <ErrorNotice error={campaigns.error} />
      {campaigns.data === undefined ? (
        !campaigns.error && <Loading />
      ) : campaigns.data.data.length === 0 ? (
        <EmptyState title={t('campaigns.empty')}>
          <p>{t('campaigns.emptyHint')}</p>
        </EmptyState>
      ) : (
        <ul class={styles.list}>
          {campaigns.data.data.map((campaign) => (
            <li key={campaign.id} class={styles.item}>
              <Link href={`/campaigns/${campaign.id}`}>{campaign.name}</Link>
              <span class={styles.status}>{t(`campaign.status.${campaign.status}` as MessageKey)}</span>
              <CampaignProgress campaign={campaign} compact />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function NewCampaign() {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [body, setBody] = useState('');
  const audience = useAsync(countAudience, []);

  const send = async () => {
    const campaign = await expectData(api.POST('/v1/campaigns', { body: { name: name.trim(), body: body.trim(), audience: { all: true } } }));
    navigate(`/campaigns/${campaign.id}`);
  };

  return (
    <section class={styles.form} aria-labelledby="new-campaign">
      <h2 id="new-campaign">{t('campaigns.new')}</h2>
      <label for="campaign-name">{t('campaigns.name')}</label>
      <input id="campaign-name" value={name} maxLength={200} onInput={(event) => setName(event.currentTarget.value)} />
      <label for="campaign-body">{t('campaigns.body')}</label>
      <textarea id="campaign-body" dir="auto" rows={3} value={body} maxLength={1600} onInput={(event) => setBody(event.currentTarget.value)} />
      <p class={styles.audience} data-audience={audience.data?.customers}>
        <strong>{t('campaigns.audience')}</strong>
        <br />
        {audience.data ? t('campaigns.count', { count: audience.data.customers, sms: audience.data.sms, email: audience.data.email, none: audience.data.none }) : t('campaigns.counting')}
      </p>
      <ErrorNotice error={audience.error} />
      {audience.data && audience.data.customers > 0 && name.trim() && body.trim() && (
        <div>
          <ConfirmButton label={t('campaigns.send')} question={t('campaigns.sendQuestion', { name: name.trim(), count: audience.data.customers })} confirmLabel={t('campaigns.send')} onConfirm={send} />
        </div>
      )}
    </section>
  );
}
