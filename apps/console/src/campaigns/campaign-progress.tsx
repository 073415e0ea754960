import type { Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { reasonText } from '../orders/reasons';
import styles from './campaigns.module.css';

type Campaign = Schemas['Campaign'];

/** Sends that are over (whatever became of them), out of every customer the campaign concerns. */
export function progressOf(campaign: Campaign): { done: number; total: number; percent: number } {
  const { scheduled, queued, sending } = campaign.counts;
  const skipped = Object.values(campaign.skipped).reduce((sum, count) => sum + count, 0);
  const total = campaign.recipients + skipped;
  const done = total - scheduled - queued - sending;
  const finished = campaign.status === 'completed' || campaign.status === 'cancelled';
  return { done, total, percent: total === 0 ? (finished ? 100 : 0) : Math.floor((done / total) * 100) };
}

/** A progress bar (sent, skipped by reason, failed), the browser's own `<progress>`: no inline style, no layout shift. */
export function CampaignProgress({ campaign, compact = false }: { campaign: Campaign; compact?: boolean }) {
  const { t, locale } = useI18n();
  const { done, total, percent } = progressOf(campaign);
  const sent = campaign.counts.sent + campaign.counts.delivered;
  const failed = campaign.counts.dead + campaign.counts.undelivered;
  const waiting = campaign.counts.scheduled + campaign.counts.queued + campaign.counts.sending;
  const label = t('campaign.progressValue', { done, total });
  return (
    <div class={styles.progress}>
      <progress max={100} value={percent} aria-label={`${t('campaign.progress')}: ${label}`} data-percent={percent} />
      <span class={styles.percent}>{new Intl.NumberFormat(locale, { style: 'percent' }).format(percent / 100)}</span>
      {!compact && (
        <ul class={styles.counts}>
          <li>{t('campaign.sent', { count: sent })}</li>
          <li>{t('campaign.pending', { count: waiting })}</li>
          <li>{t('campaign.failed', { count: failed })}</li>
          {Object.entries(campaign.skipped).map(([reason, count]) => (
            <li key={reason}>{t('campaign.skipped', { count, reason: reasonText(reason, t) ?? reason })}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
