/** Every mesh with its mTLS backend and counts. */
import { useMeshes, useMeshInsights } from '../api/queries';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Loaded } from '../components/Loaded';
import { Page } from '../components/Page';
import { Table } from '../components/Table';

export function MeshesPage() {
  const { t } = useTranslation();
  const meshes = useMeshes();
  const insights = useMeshInsights();
  const insightOf = (name: string) => insights.data?.items.find((i) => i.name === name);

  return (
    <Page title={t('meshes.title')}>
      <Loaded query={meshes}>
        {(page) => (
          <Table
            caption={t('meshes.title')}
            rows={page.items}
            rowKey={(m) => m.name}
            empty={t('common.none')}
            columns={[
              {
                header: t('common.name'),
                cell: (m) => <Link to={`/meshes/${encodeURIComponent(m.name)}`}>{m.name}</Link>,
              },
              {
                header: t('meshes.mtls'),
                cell: (m) => m.mtls?.enabledBackend ?? t('meshes.mtlsOff'),
              },
              { header: t('meshes.dataplanes'), cell: (m) => insightOf(m.name)?.dataplanes?.total ?? 0 },
              { header: t('meshes.services'), cell: (m) => insightOf(m.name)?.services?.total ?? 0 },
              {
                header: t('meshes.policies'),
                cell: (m) => Object.values(insightOf(m.name)?.policies ?? {}).reduce((n, p) => n + (p.total ?? 0), 0),
              },
            ]}
          />
        )}
      </Loaded>
    </Page>
  );
}
