import { useEffect } from 'preact/hooks';
import { api, expectData } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { useResync } from '../live/use-live';
import { useSession } from '../session/session';
import { ConfirmButton, ErrorNotice, Loading, MessageBody, PageHeader } from '../ui/components';
import { useAsync } from '../ui/use-async';
import { CampaignProgress } from './campaign-progress';
import styles from './campaigns.module.css';

/** How often a campaign under way is read again (its sends are many; the event stream carries each, this the sums). */
const POLL_MS = 1000;

export function CampaignPage({ params }: { params: Record<string, string> }) {
  const { t, format } = useI18n();
  const { canChange } = useSession();
  const campaign = useAsync(() => expectData(api.GET('/v1/campaigns/{id}', { params: { path: { id: params.id } } })), [params.id]);
  const running = campaign.data && !['completed', 'cancelled'].includes(campaign.data.status);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void campaign.reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [running]);
  useResync(() => void campaign.reload());

  if (!campaign.data) return campaign.error ? <ErrorNotice error={campaign.error} /> : <Loading />;
  const current = campaign.data;
  return (
    <>
      <PageHeader title={t('campaign.title', { name: current.name })}>
        <span class={styles.status} data-campaign-status={current.status}>
          {t(`campaign.status.${current.status}` as MessageKey)}
        </span>
      </PageHeader>
      <p class={styles.muted}>{format(current.scheduledFor, 'full')}</p>
      {current.body && (
        <MessageBody text={current.body} />
      )}
      <h2>{t('campaign.progress')}</h2>
      <CampaignProgress campaign={current} />
      {canChange && running && (
        <ConfirmButton
          danger
          label={t('campaign.cancel')}
          question={t('campaign.cancelQuestion')}
          confirmLabel={t('campaign.cancelConfirm')}
          onConfirm={async () => {
            const cancelled = await expectData(api.POST('/v1/campaigns/{id}/cancel', { params: { path: { id: current.id } } }));
            campaign.setData(() => cancelled);
          }}
        />
      )}
    </>
  );
}
