/** Every policy kind with how many there are, in every mesh or in the one the URL names. */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { Loaded } from '../components/Loaded';
import { MeshSelect } from '../components/MeshSelect';
import { Page } from '../components/Page';
import { Table } from '../components/Table';
import { useUrlState } from '../components/search-params';
import { countPolicyKinds } from '../model/policies';
import { policyKindPath } from '../model/paths';

export function PoliciesPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useUrlState(['mesh', 'shown']);
  const kinds = useQuery({
    queryKey: ['policy-kinds'],
    queryFn: async () => dataOf(await api.GET('/policies')),
  });
  const totals = useQuery({
    queryKey: ['policy-totals', filters.mesh],
    queryFn: async () =>
      filters.mesh === ''
        ? (dataOf(await api.GET('/global-insight')).resources ?? {})
        : (dataOf(await api.GET('/mesh-insights/{mesh}', { params: { path: { mesh: filters.mesh } } })).policies ?? {}),
  });
  const onlyPresent = filters.shown !== 'all';

  return (
    <Page title={t('policies.title')}>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <MeshSelect value={filters.mesh} onChange={(mesh) => setFilters({ mesh })} />
        <label>
          {t('policies.shown')}
          <select value={filters.shown} onChange={(e) => setFilters({ shown: e.target.value })}>
            <option value="">{t('policies.shownPresent')}</option>
            <option value="all">{t('policies.shownAll')}</option>
          </select>
        </label>
      </form>
      <Loaded query={kinds}>
        {(k) => (
          <Loaded query={totals}>
            {(counts) => (
              <Table
                caption={t('policies.kinds')}
                rows={countPolicyKinds(k.policies, counts, { onlyPresent })}
                rowKey={(row) => row.kind.name}
                empty={t('policies.noPolicies')}
                columns={[
                  {
                    header: t('policies.kind'),
                    cell: (row) => <Link to={policyKindPath(row.kind.path, filters.mesh)}>{row.kind.name}</Link>,
                  },
                  { header: t('common.total'), cell: (row) => row.total },
                  {
                    header: t('policies.direction'),
                    cell: (row) =>
                      [
                        ...(row.kind.isInbound === true ? [t('policies.inbound')] : []),
                        ...(row.kind.isOutbound === true ? [t('policies.outbound')] : []),
                      ].join(', '),
                  },
                  {
                    header: t('policies.experimental'),
                    cell: (row) => (row.kind.isExperimental === true ? t('common.yes') : t('common.no')),
                  },
                ]}
              />
            )}
          </Loaded>
        )}
      </Loaded>
    </Page>
  );
}
