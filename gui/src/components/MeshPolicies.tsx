/**
 * A mesh's policies by kind: each kind in use with its count (linking to the
 * kind's list in this mesh) and its first policies, each linking to its page.
 */
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { countPolicyKinds, type PolicyKind } from '../model/policies';
import { policyKindPath, policyPath } from '../model/paths';
import { Table } from './Table';

/** Policies named per kind; the kind's link lists them all. */
const NAMED = 10;

export function MeshPolicies({
  mesh,
  kinds,
  totals,
}: {
  mesh: string;
  kinds: readonly PolicyKind[];
  totals: Parameters<typeof countPolicyKinds>[1];
}) {
  const { t } = useTranslation();
  const rows = countPolicyKinds(kinds, totals, { onlyPresent: true });
  const pages = useQueries({
    queries: rows.map((row) => ({
      queryKey: ['policies', row.kind.path, { mesh, size: NAMED }],
      queryFn: async () =>
        dataOf(
          await api.GET('/meshes/{mesh}/{plural}', {
            params: { path: { mesh, plural: row.kind.path }, query: { size: NAMED } },
          }),
        ),
    })),
  });
  const namesOf = (index: number) => pages[index]?.data?.items.map((p) => p.name) ?? [];
  return (
    <Table
      caption={t('mesh.policiesByKind')}
      rows={rows.map((row, index) => ({ ...row, index }))}
      rowKey={(row) => row.kind.name}
      empty={t('mesh.noPolicies')}
      columns={[
        {
          header: t('policies.kind'),
          cell: (row) => <Link to={policyKindPath(row.kind.path, mesh)}>{row.kind.name}</Link>,
        },
        { header: t('common.total'), cell: (row) => row.total },
        {
          header: t('policies.title'),
          cell: (row) => (
            <ul className="inline-links">
              {namesOf(row.index).map((name) => (
                <li key={name}>
                  <Link to={policyPath(mesh, row.kind.path, name)}>{name}</Link>
                </li>
              ))}
              {row.total > namesOf(row.index).length && namesOf(row.index).length > 0 && (
                <li>
                  <Link to={policyKindPath(row.kind.path, mesh)}>{t('mesh.allPolicies', { total: row.total })}</Link>
                </li>
              )}
            </ul>
          ),
        },
      ]}
    />
  );
}
