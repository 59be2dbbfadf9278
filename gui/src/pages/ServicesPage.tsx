/**
 * Services of every sort: MeshServices (with the proxies their selector
 * stands for), MeshExternalServices (with their endpoints) and the tag-based
 * services Kuma counts from `kuma.io/service` tags; each list paged on its
 * own, filtered by mesh and name from the URL.
 */
import { useMeshes } from '../api/queries';
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { ErrorBox } from '../components/ErrorBox';
import { Loaded } from '../components/Loaded';
import { MeshSelect } from '../components/MeshSelect';
import { Page } from '../components/Page';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { Table } from '../components/Table';
import { useUrlState } from '../components/search-params';
import { meshPath, servicePath } from '../model/paths';
import {
  endpointsOf,
  insightStatus,
  meshServiceCounts,
  meshServiceStatus,
  mergeServicePages,
  selectorOf,
} from '../model/services';

const PAGE_SIZE = 25;
/** Tag-based services of each mesh read at most (the API's largest page); paged here across meshes. */
const PER_MESH = 1000;

export function ServicesPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useUrlState(['mesh', 'name', 'msOffset', 'mesOffset', 'svcOffset']);
  const offsetOf = (key: 'msOffset' | 'mesOffset' | 'svcOffset') => Number(filters[key]) || 0;
  const setOffset = (key: 'msOffset' | 'mesOffset' | 'svcOffset') => (next: number) =>
    setFilters({ [key]: next === 0 ? '' : String(next) }, { resetOffset: false });
  const reset = { msOffset: '', mesOffset: '', svcOffset: '' };
  const named = filters.name === '' ? {} : { name: filters.name };
  const mesh = filters.mesh;

  const meshServices = useQuery({
    queryKey: ['meshservices', mesh, filters.name, offsetOf('msOffset')],
    queryFn: async () => {
      const query = { size: PAGE_SIZE, offset: offsetOf('msOffset'), ...named };
      return dataOf(
        mesh === ''
          ? await api.GET('/meshservices', { params: { query } })
          : await api.GET('/meshes/{mesh}/meshservices', { params: { path: { mesh }, query } }),
      );
    },
    placeholderData: keepPreviousData,
  });
  const external = useQuery({
    queryKey: ['meshexternalservices', mesh, filters.name, offsetOf('mesOffset')],
    queryFn: async () => {
      const query = { size: PAGE_SIZE, offset: offsetOf('mesOffset'), ...named };
      return dataOf(
        mesh === ''
          ? await api.GET('/meshexternalservices', { params: { query } })
          : await api.GET('/meshes/{mesh}/meshexternalservices', { params: { path: { mesh }, query } }),
      );
    },
    placeholderData: keepPreviousData,
  });
  const meshes = useMeshes();
  const meshNames = mesh === '' ? (meshes.data?.items.map((m) => m.name) ?? []) : [mesh];
  const insights = useQueries({
    queries: meshNames.map((name) => ({
      queryKey: ['service-insights', name, filters.name],
      queryFn: async () =>
        dataOf(
          await api.GET('/meshes/{mesh}/service-insights', {
            params: { path: { mesh: name }, query: { size: PER_MESH, ...named } },
          }),
        ),
    })),
  });
  const insightsReady = (mesh !== '' || meshes.data !== undefined) && insights.every((q) => q.data !== undefined);
  const insightError = meshes.error ?? insights.find((q) => q.error !== null)?.error ?? null;
  const tagged = mergeServicePages(
    insights.map((q) => q.data?.items ?? []),
    offsetOf('svcOffset'),
    PAGE_SIZE,
  );

  return (
    <Page title={t('services.title')}>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <MeshSelect value={mesh} onChange={(value) => setFilters({ mesh: value, ...reset })} />
        <label>
          {t('common.name')}
          <input type="search" value={filters.name} onChange={(e) => setFilters({ name: e.target.value, ...reset })} />
        </label>
      </form>

      <section aria-labelledby="meshservices">
        <h2 id="meshservices">{t('services.meshServices')}</h2>
        <Loaded query={meshServices}>
          {(page) => (
            <>
              <Table
                caption={t('services.meshServices')}
                rows={page.items}
                rowKey={(s) => `${s.mesh}/${s.name}`}
                empty={t('services.empty')}
                columns={[
                  {
                    header: t('common.name'),
                    cell: (s) => <Link to={servicePath(s.mesh, 'meshservices', s.name)}>{s.name}</Link>,
                  },
                  { header: t('common.mesh'), cell: (s) => <Link to={meshPath(s.mesh)}>{s.mesh}</Link> },
                  { header: t('common.status'), cell: (s) => <StatusBadge status={meshServiceStatus(s)} /> },
                  { header: t('services.selector'), cell: (s) => <code>{selectorOf(s)}</code> },
                  { header: t('services.ports'), cell: (s) => (s.spec.ports ?? []).map((p) => p.port).join(', ') },
                  {
                    header: t('services.dataplanes'),
                    cell: (s) => {
                      const c = meshServiceCounts(s);
                      return t('services.proxyCounts', c);
                    },
                  },
                ]}
              />
              <Pager
                offset={offsetOf('msOffset')}
                size={PAGE_SIZE}
                total={page.total}
                onOffset={setOffset('msOffset')}
              />
            </>
          )}
        </Loaded>
      </section>

      <section aria-labelledby="meshexternalservices">
        <h2 id="meshexternalservices">{t('services.meshExternalServices')}</h2>
        <Loaded query={external}>
          {(page) => (
            <>
              <Table
                caption={t('services.meshExternalServices')}
                rows={page.items}
                rowKey={(s) => `${s.mesh}/${s.name}`}
                empty={t('services.empty')}
                columns={[
                  {
                    header: t('common.name'),
                    cell: (s) => <Link to={servicePath(s.mesh, 'meshexternalservices', s.name)}>{s.name}</Link>,
                  },
                  { header: t('common.mesh'), cell: (s) => <Link to={meshPath(s.mesh)}>{s.mesh}</Link> },
                  {
                    header: t('services.match'),
                    cell: (s) => `${s.spec.match.protocol ?? 'tcp'} :${s.spec.match.port}`,
                  },
                  { header: t('services.endpoints'), cell: (s) => endpointsOf(s).join(', ') },
                ]}
              />
              <Pager
                offset={offsetOf('mesOffset')}
                size={PAGE_SIZE}
                total={page.total}
                onOffset={setOffset('mesOffset')}
              />
            </>
          )}
        </Loaded>
      </section>

      <section aria-labelledby="tagged">
        <h2 id="tagged">{t('services.tagged')}</h2>
        <p className="help">{t('services.taggedHelp')}</p>
        {insightError !== null ? (
          <ErrorBox error={insightError} />
        ) : !insightsReady ? (
          <p className="loading" role="status">
            {t('common.loading')}
          </p>
        ) : (
          <>
            <Table
              caption={t('services.tagged')}
              rows={tagged.items}
              rowKey={(s) => `${s.mesh}/${s.name}`}
              empty={t('services.empty')}
              columns={[
                {
                  header: t('common.name'),
                  cell: (s) => <Link to={servicePath(s.mesh, 'services', s.name)}>{s.name}</Link>,
                },
                { header: t('common.mesh'), cell: (s) => <Link to={meshPath(s.mesh)}>{s.mesh}</Link> },
                { header: t('common.status'), cell: (s) => <StatusBadge status={insightStatus(s)} /> },
                { header: t('common.type'), cell: (s) => s.serviceType ?? 'internal' },
                { header: t('common.address'), cell: (s) => s.addressPort ?? '' },
                {
                  header: t('services.dataplanes'),
                  cell: (s) =>
                    t('services.onlineOfTotal', { online: s.dataplanes?.online ?? 0, total: s.dataplanes?.total ?? 0 }),
                },
              ]}
            />
            <Pager
              offset={offsetOf('svcOffset')}
              size={PAGE_SIZE}
              total={tagged.total}
              onOffset={setOffset('svcOffset')}
            />
          </>
        )}
      </section>
    </Page>
  );
}
