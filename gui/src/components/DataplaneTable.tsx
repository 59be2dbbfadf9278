/** Dataplanes as rows: a link to each one's page, its status and address. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { dataplaneStatus, latestSubscription, type DataplaneOverview } from '../model/dataplane';
import { dataplanePath } from '../model/paths';
import { StatusBadge } from './StatusBadge';
import { Table } from './Table';

export function DataplaneTable({
  caption,
  rows,
  empty,
}: {
  caption: string;
  rows: readonly DataplaneOverview[];
  empty: string;
}) {
  const { t } = useTranslation();
  return (
    <Table
      caption={caption}
      rows={rows}
      rowKey={(dp) => `${dp.mesh}/${dp.name}`}
      empty={empty}
      columns={[
        {
          header: t('common.name'),
          cell: (dp) => <Link to={dataplanePath(dp.mesh, dp.name)}>{dp.name}</Link>,
        },
        { header: t('common.status'), cell: (dp) => <StatusBadge status={dataplaneStatus(dp)} /> },
        { header: t('common.address'), cell: (dp) => dp.dataplane.networking?.address ?? '' },
        {
          header: t('dataplanes.instance'),
          cell: (dp) => latestSubscription(dp)?.controlPlaneInstanceId ?? '',
        },
      ]}
    />
  );
}
