/** The newest configurations proxies rejected, newest first, each with the proxy's own words. */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { dataplanePath } from '../model/paths';
import { Time } from './InstancesTable';
import { Loaded } from './Loaded';
import { Table } from './Table';
import './RecentNacks.css';

const SHOWN = 20;

export function RecentNacks() {
  const { t } = useTranslation();
  const nacks = useQuery({
    queryKey: ['nacks'],
    queryFn: async () => dataOf(await api.GET('/_nacks', { params: { query: { size: SHOWN } } })),
  });
  return (
    <Loaded query={nacks}>
      {(list) => (
        <Table
          caption={t('overview.recentNacks')}
          rows={list.items ?? []}
          rowKey={(n) => `${n.mesh ?? ''}/${n.name ?? ''}/${n.type ?? ''}/${n.version ?? ''}`}
          empty={t('overview.noNacks')}
          columns={[
            { header: t('overview.nackTime'), cell: (n) => (n.time === undefined ? '' : <Time value={n.time} />) },
            {
              header: t('overview.dataplane'),
              cell: (n) => (
                <Link to={dataplanePath(n.mesh ?? '', n.name ?? '')}>
                  {n.mesh}/{n.name}
                </Link>
              ),
            },
            { header: t('common.type'), cell: (n) => (n.type ?? '').toUpperCase() },
            { header: t('overview.version'), cell: (n) => n.version ?? '' },
            { header: t('overview.nackError'), cell: (n) => <code className="nack-error">{n.error}</code> },
            { header: t('overview.instanceId'), cell: (n) => n.instance ?? '' },
          ]}
        />
      )}
    </Loaded>
  );
}
