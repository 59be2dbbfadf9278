/** The policies of one kind across meshes (or in one), paged, filtered by mesh and name from the URL. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { Loaded } from '../components/Loaded';
import { MeshSelect } from '../components/MeshSelect';
import { Page } from '../components/Page';
import { Pager } from '../components/Pager';
import { Table } from '../components/Table';
import { useUrlState } from '../components/search-params';
import { kindByPath, targetOf } from '../model/policies';
import { meshPath, policyPath } from '../model/paths';

const PAGE_SIZE = 50;

export function PolicyKindPage() {
  const { t } = useTranslation();
  const plural = useParams()['kind'] ?? '';
  const [filters, setFilters] = useUrlState(['mesh', 'name', 'offset']);
  const offset = Number(filters.offset) || 0;
  const kinds = useQuery({
    queryKey: ['policy-kinds'],
    queryFn: async () => dataOf(await api.GET('/policies')),
  });
  const kind = kinds.data === undefined ? undefined : kindByPath(kinds.data.policies, plural);
  const policies = useQuery({
    queryKey: ['policies', plural, filters],
    queryFn: async () => {
      const query = { size: PAGE_SIZE, offset, ...(filters.name === '' ? {} : { name: filters.name }) };
      return dataOf(
        filters.mesh === ''
          ? await api.GET('/{plural}', { params: { path: { plural }, query } })
          : await api.GET('/meshes/{mesh}/{plural}', { params: { path: { mesh: filters.mesh, plural }, query } }),
      );
    },
    placeholderData: keepPreviousData,
  });

  return (
    <Page title={kind?.name ?? plural}>
      <p>
        <Link to="/policies">{t('policies.allKinds')}</Link>
      </p>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <MeshSelect value={filters.mesh} onChange={(mesh) => setFilters({ mesh })} />
        <label>
          {t('common.name')}
          <input type="search" value={filters.name} onChange={(e) => setFilters({ name: e.target.value })} />
        </label>
      </form>
      <Loaded query={policies}>
        {(page) => (
          <>
            <Table
              caption={kind?.pluralDisplayName ?? plural}
              rows={page.items}
              rowKey={(p) => `${p.mesh ?? ''}/${p.name}`}
              empty={t('policies.noneOfKind')}
              columns={[
                {
                  header: t('common.name'),
                  cell: (p) => <Link to={policyPath(p.mesh ?? '', plural, p.name)}>{p.name}</Link>,
                },
                { header: t('common.mesh'), cell: (p) => <Link to={meshPath(p.mesh ?? '')}>{p.mesh}</Link> },
                { header: t('policies.target'), cell: (p) => <code>{targetOf(p.spec)}</code> },
                { header: t('policies.origin'), cell: (p) => p.labels?.['kuma.io/origin'] ?? '' },
                { header: t('common.modified'), cell: (p) => formatTime(p.modificationTime) },
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

const formatTime = (time: string | undefined): string => (time === undefined ? '' : new Date(time).toLocaleString());
