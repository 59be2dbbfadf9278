import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../components/Page';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Page title={t('common.notFound')}>
      <p>
        <Link to="/overview">{t('nav.overview')}</Link>
      </p>
    </Page>
  );
}
