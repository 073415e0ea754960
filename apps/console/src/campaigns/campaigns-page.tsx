import { useI18n } from '../i18n/i18n';
import { PageHeader } from '../ui/components';

export function CampaignsPage() {
  const { t } = useI18n();
  return <PageHeader title={t('campaigns.title')} />;
}
