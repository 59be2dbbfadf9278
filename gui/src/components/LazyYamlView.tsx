/** YamlView, fetched when first shown: the YAML printer is not part of the first bundle. */
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

const YamlView = lazy(() => import('./YamlView'));

export function LazyYamlView(props: { document: unknown; label: string }) {
  const { t } = useTranslation();
  return (
    <Suspense
      fallback={
        <p className="loading" role="status">
          {t('common.loading')}
        </p>
      }
    >
      <YamlView {...props} />
    </Suspense>
  );
}
