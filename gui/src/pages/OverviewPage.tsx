/** The first page: the whole mesh estate at a glance, live. */
import { useMeshInsights } from '../api/queries';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { Loaded } from '../components/Loaded';
import { InstancesTable } from '../components/InstancesTable';
import { Page } from '../components/Page';
import { PolicyKindCounts } from '../components/PolicyKindCounts';
import { RecentNacks } from '../components/RecentNacks';
import { Table } from '../components/Table';

export function OverviewPage() {
  const { t } = useTranslation();
  const global = useQuery({
    queryKey: ['global-insight'],
    queryFn: async () => dataOf(await api.GET('/global-insight')),
  });
  const meshes = useMeshInsights();
  const kinds = useQuery({
    queryKey: ['policy-kinds'],
    queryFn: async () => dataOf(await api.GET('/policies')),
  });
  const ready = useQuery({
    queryKey: ['ready'],
    // 503 carries the same body: the store is down, which is what this card shows.
    queryFn: async () => {
      const result = await api.GET('/ready');
      return result.data ?? (result.error as unknown as NonNullable<typeof result.data>);
    },
  });

  return (
    <Page title={t('overview.title')}>
      <section className="cards" aria-label={t('overview.title')}>
        <Loaded query={global}>
          {(g) => {
            const zero = { total: 0, online: 0, offline: 0, degraded: 0 };
            const dp = Object.values(g.dataplanes ?? {}).reduce<typeof zero>(
              (sum, c) => ({
                total: sum.total + (c.total ?? 0),
                online: sum.online + (c.online ?? 0),
                offline: sum.offline + (c.offline ?? 0),
                degraded: sum.degraded + (c.partiallyDegraded ?? 0),
              }),
              zero,
            );
            return (
              <>
                <Card title={t('overview.meshes')} value={g.meshes?.total ?? 0} to="/meshes" />
                <Card title={t('overview.dataplanes')} value={dp.total} to="/dataplanes">
                  <dl className="inline">
                    <dt>{t('status.online')}</dt>
                    <dd>{dp.online}</dd>
                    <dt>{t('status.offline')}</dt>
                    <dd>{dp.offline}</dd>
                    <dt>{t('status.partially_degraded')}</dt>
                    <dd>{dp.degraded}</dd>
                  </dl>
                </Card>
                <Card title={t('overview.services')} value={g.services?.total ?? 0} to="/services" />
                <Card title={t('overview.policies')} value={g.policies?.total ?? 0} to="/policies" />
              </>
            );
          }}
        </Loaded>
        <Loaded query={ready}>
          {(r) => (
            <div className="card">
              <h2>{t('overview.store')}</h2>
              <p className={r.store.available ? 'ok' : 'warning'}>
                {r.store.available
                  ? t('overview.storeAvailable')
                  : t('overview.storeUnavailable', { since: r.store.unavailableSince ?? '' })}
              </p>
            </div>
          )}
        </Loaded>
      </section>
      <section>
        <h2>{t('meshes.title')}</h2>
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
                { header: t('status.online'), cell: (m) => m.dataplanes?.online ?? 0 },
                { header: t('status.offline'), cell: (m) => m.dataplanes?.offline ?? 0 },
                { header: t('status.partially_degraded'), cell: (m) => m.dataplanes?.partiallyDegraded ?? 0 },
                {
                  header: t('overview.policies'),
                  cell: (m) => Object.values(m.policies ?? {}).reduce((n, p) => n + (p.total ?? 0), 0),
                },
              ]}
            />
          )}
        </Loaded>
      </section>
      <section aria-labelledby="overview-policies">
        <h2 id="overview-policies">{t('overview.policiesByKind')}</h2>
        <Loaded query={kinds}>
          {(k) => (
            <Loaded query={global}>
              {(g) => (
                <PolicyKindCounts
                  kinds={k.policies}
                  totals={g.resources}
                  caption={t('overview.policiesByKind')}
                  empty={t('policies.noPolicies')}
                />
              )}
            </Loaded>
          )}
        </Loaded>
      </section>
      <section aria-labelledby="overview-instances">
        <h2 id="overview-instances">{t('overview.instances')}</h2>
        <InstancesTable />
      </section>
      <section aria-labelledby="overview-nacks">
        <h2 id="overview-nacks">{t('overview.recentNacks')}</h2>
        <RecentNacks />
      </section>
    </Page>
  );
}

function Card({
  title,
  value,
  to,
  children,
}: {
  title: string;
  value: number;
  to: string;
  children?: React.ReactNode;
}) {
  return (
    <div className="card">
      <h2>
        <Link to={to}>{title}</Link>
      </h2>
      <p className="figure">{value}</p>
      {children}
    </div>
  );
}
