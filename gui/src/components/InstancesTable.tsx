/** The control-plane instances sharing the store: alive or not, since when, and how many proxies each holds. */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { Loaded } from './Loaded';
import { StatusBadge } from './StatusBadge';
import { Table } from './Table';

export function InstancesTable() {
  const { t } = useTranslation();
  const instances = useQuery({
    queryKey: ['instances'],
    queryFn: async () => dataOf(await api.GET('/_instances')),
  });
  return (
    <Loaded query={instances}>
      {(list) => (
        <Table
          caption={t('overview.instances')}
          rows={list.items ?? []}
          rowKey={(i) => i.id}
          empty={t('common.none')}
          columns={[
            {
              header: t('overview.instanceId'),
              cell: (i) => (
                <>
                  {i.id}
                  {i.self && <span className="help"> {t('overview.thisInstance')}</span>}
                </>
              ),
            },
            { header: t('overview.hostname'), cell: (i) => i.hostname ?? '' },
            { header: t('common.status'), cell: (i) => <StatusBadge status={i.alive ? 'online' : 'offline'} /> },
            { header: t('overview.started'), cell: (i) => <Time value={i.startTime} /> },
            { header: t('overview.lastHeartbeat'), cell: (i) => <Time value={i.lastHeartbeat} /> },
            { header: t('overview.proxies'), cell: (i) => i.proxies },
          ]}
        />
      )}
    </Loaded>
  );
}

export const Time = ({ value }: { value: string }) => <time dateTime={value}>{new Date(value).toLocaleString()}</time>;
