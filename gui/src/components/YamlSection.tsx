/**
 * A resource's YAML under its heading, the YAML view fetched when first shown
 * (the YAML printer is not part of the first bundle). The scrollable text is
 * the one region, named by the heading: the section around it is no landmark,
 * so the page has no two landmarks of one name.
 */
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

const YamlView = lazy(() => import('./YamlView'));

export function YamlSection({ id, title, document }: { id: string; title: string; document: unknown }) {
  const { t } = useTranslation();
  return (
    <section>
      <h2 id={id}>{title}</h2>
      <Suspense
        fallback={
          <p className="loading" role="status">
            {t('common.loading')}
          </p>
        }
      >
        <YamlView document={document} labelledBy={id} />
      </Suspense>
    </section>
  );
}
