import { useI18n } from '../i18n/i18n';
import { PageHeader } from '../ui/components';

export function TemplatesPage() {
  const { t } = useI18n();
  return <PageHeader title={t('templates.title')} />;
}
