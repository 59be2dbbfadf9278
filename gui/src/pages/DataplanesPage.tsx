/**
 * Dataplanes, paged by the API (so 10,000 cost one page), filtered by mesh,
 * name, service, tag, status and proxy type; every filter is in the URL.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { Loaded } from '../components/Loaded';
import { MeshSelect } from '../components/MeshSelect';
import { Page } from '../components/Page';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { Table } from '../components/Table';
import { useUrlState } from '../components/search-params';
import { dataplaneStatus, latestSubscription, servicesOf } from '../model/dataplane';

const PAGE_SIZE = 50;
const statuses = ['online', 'offline', 'partially_degraded'] as const;
const proxyTypes = ['envoy', 'grpc'] as const;

export function DataplanesPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useUrlState(['mesh', 'name', 'service', 'tag', 'status', 'proxyType', 'offset']);
  const offset = Number(filters.offset) || 0;
  const tags = [
    ...(filters.service === '' ? [] : [`kuma.io/service:${filters.service}`]),
    ...(filters.tag === '' ? [] : [filters.tag]),
  ];
  const query = {
    size: PAGE_SIZE,
    offset,
    ...(filters.name === '' ? {} : { name: filters.name }),
    ...(tags.length === 0 ? {} : { tag: tags }),
    ...(filters.status === '' ? {} : { status: filters.status as (typeof statuses)[number] }),
    ...(filters.proxyType === '' ? {} : { proxyType: filters.proxyType as (typeof proxyTypes)[number] }),
  };
  const dataplanes = useQuery({
    queryKey: ['dataplanes', filters],
    queryFn: async () =>
      dataOf(
        filters.mesh === ''
          ? await api.GET('/dataplanes/_overview', { params: { query } })
          : await api.GET('/meshes/{mesh}/dataplanes/_overview', { params: { path: { mesh: filters.mesh }, query } }),
      ),
    placeholderData: keepPreviousData,
  });

  return (
    <Page title={t('dataplanes.title')}>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <MeshSelect value={filters.mesh} onChange={(mesh) => setFilters({ mesh })} />
        <label>
          {t('common.name')}
          <input type="search" value={filters.name} onChange={(e) => setFilters({ name: e.target.value })} />
        </label>
        <label>
          {t('dataplanes.service')}
          <input type="search" value={filters.service} onChange={(e) => setFilters({ service: e.target.value })} />
        </label>
        <label>
          {t('dataplanes.tag')}
          <input type="search" value={filters.tag} onChange={(e) => setFilters({ tag: e.target.value })} />
        </label>
        <label>
          {t('common.status')}
          <select value={filters.status} onChange={(e) => setFilters({ status: e.target.value })}>
            <option value="">{t('common.any')}</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('dataplanes.proxyType')}
          <select value={filters.proxyType} onChange={(e) => setFilters({ proxyType: e.target.value })}>
            <option value="">{t('common.any')}</option>
            {proxyTypes.map((p) => (
              <option key={p} value={p}>
                {t(`dataplanes.${p}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Loaded query={dataplanes}>
        {(page) => (
          <>
            <Table
              caption={t('dataplanes.title')}
              rows={page.items}
              rowKey={(dp) => `${dp.mesh}/${dp.name}`}
              empty={t('dataplanes.empty')}
              columns={[
                {
                  header: t('common.name'),
                  cell: (dp) => (
                    <Link to={`/meshes/${encodeURIComponent(dp.mesh)}/dataplanes/${encodeURIComponent(dp.name)}`}>
                      {dp.name}
                    </Link>
                  ),
                },
                { header: t('common.mesh'), cell: (dp) => dp.mesh },
                { header: t('dataplanes.service'), cell: (dp) => servicesOf(dp).join(', ') },
                { header: t('common.address'), cell: (dp) => dp.dataplane.networking?.address ?? '' },
                { header: t('common.status'), cell: (dp) => <StatusBadge status={dataplaneStatus(dp)} /> },
                {
                  header: t('dataplanes.proxyType'),
                  // Unknown until the proxy first connects.
                  cell: (dp) =>
                    dp.proxyType === 'grpc'
                      ? t('dataplanes.grpc')
                      : dp.proxyType === 'envoy'
                        ? t('dataplanes.envoy')
                        : '',
                },
                {
                  header: t('dataplanes.instance'),
                  cell: (dp) => latestSubscription(dp)?.controlPlaneInstanceId ?? '',
                },
              ]}
            />
            <Pager
              offset={offset}
              size={PAGE_SIZE}
              total={page.total}
              onOffset={(next) => setFilters({ offset: next === 0 ? '' : String(next) }, { resetOffset: false })}
            />
          </>
        )}
      </Loaded>
    </Page>
  );
}
