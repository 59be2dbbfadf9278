/** How many policies of each kind in use, each kind linking to its list (in `mesh` when given). */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { countPolicyKinds, type PolicyKind } from '../model/policies';
import { policyKindPath } from '../model/paths';
import { Table } from './Table';

export function PolicyKindCounts({
  kinds,
  totals,
  mesh = '',
  caption,
  empty,
}: {
  kinds: readonly PolicyKind[];
  totals: Parameters<typeof countPolicyKinds>[1];
  mesh?: string;
  caption: string;
  empty: string;
}) {
  const { t } = useTranslation();
  return (
    <Table
      caption={caption}
      rows={countPolicyKinds(kinds, totals, { onlyPresent: true })}
      rowKey={(row) => row.kind.name}
      empty={empty}
      columns={[
        {
          header: t('policies.kind'),
          cell: (row) => <Link to={policyKindPath(row.kind.path, mesh)}>{row.kind.name}</Link>,
        },
        { header: t('common.total'), cell: (row) => row.total },
      ]}
    />
  );
}
