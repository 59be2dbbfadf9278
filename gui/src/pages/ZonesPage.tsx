/**
 * Zones, zone ingresses and zone egresses, each list paged on its own, with
 * whether each is connected; when there are none, why: this control plane
 * runs as a single zone.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { Loaded } from '../components/Loaded';
import { Page } from '../components/Page';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { Table } from '../components/Table';
import { useUrlState } from '../components/search-params';
import { subscriptionState } from '../model/zones';

const PAGE_SIZE = 25;
type OffsetKey = 'zoneOffset' | 'ingressOffset' | 'egressOffset';

export function ZonesPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useUrlState(['name', 'zoneOffset', 'ingressOffset', 'egressOffset']);
  const offsetOf = (key: OffsetKey) => Number(filters[key]) || 0;
  const setOffset = (key: OffsetKey) => (next: number) =>
    setFilters({ [key]: next === 0 ? '' : String(next) }, { resetOffset: false });
  const queryOf = (key: OffsetKey) => ({
    size: PAGE_SIZE,
    offset: offsetOf(key),
    ...(filters.name === '' ? {} : { name: filters.name }),
  });
  const zones = useQuery({
    queryKey: ['zones', filters.name, offsetOf('zoneOffset')],
    queryFn: async () => dataOf(await api.GET('/zones/_overview', { params: { query: queryOf('zoneOffset') } })),
    placeholderData: keepPreviousData,
  });
  const ingresses = useQuery({
    queryKey: ['zoneingresses', filters.name, offsetOf('ingressOffset')],
    queryFn: async () =>
      dataOf(await api.GET('/zoneingresses/_overview', { params: { query: queryOf('ingressOffset') } })),
    placeholderData: keepPreviousData,
  });
  const egresses = useQuery({
    queryKey: ['zoneegresses', filters.name, offsetOf('egressOffset')],
    queryFn: async () =>
      dataOf(await api.GET('/zoneegresses/_overview', { params: { query: queryOf('egressOffset') } })),
    placeholderData: keepPreviousData,
  });
  const nothing =
    filters.name === '' && zones.data?.total === 0 && ingresses.data?.total === 0 && egresses.data?.total === 0;

  return (
    <Page title={t('zones.title')}>
      {nothing ? (
        <div className="empty-state">
          <p className="empty">{t('zones.singleZone')}</p>
          <p className="help">{t('zones.singleZoneHelp')}</p>
        </div>
      ) : (
        <>
          <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
            <label>
              {t('common.name')}
              <input type="search" value={filters.name} onChange={(e) => setFilters({ name: e.target.value })} />
            </label>
          </form>
          <section aria-labelledby="zones">
            <h2 id="zones">{t('zones.zones')}</h2>
            <Loaded query={zones}>
              {(page) => (
                <>
                  <Table
                    caption={t('zones.zones')}
                    rows={page.items}
                    rowKey={(z) => z.name}
                    empty={filters.name === '' ? t('zones.noZonesHere') : t('zones.noZones')}
                    columns={[
                      { header: t('common.name'), cell: (z) => z.name },
                      {
                        header: t('common.status'),
                        cell: (z) => <StatusBadge status={subscriptionState(z.zoneInsight?.subscriptions)} />,
                      },
                      {
                        header: t('zones.enabled'),
                        cell: (z) => (z.zone?.enabled === false ? t('common.no') : t('common.yes')),
                      },
                    ]}
                  />
                  <Pager
                    offset={offsetOf('zoneOffset')}
                    size={PAGE_SIZE}
                    total={page.total}
                    onOffset={setOffset('zoneOffset')}
                  />
                </>
              )}
            </Loaded>
          </section>
          <section aria-labelledby="zone-ingresses">
            <h2 id="zone-ingresses">{t('zones.ingresses')}</h2>
            <Loaded query={ingresses}>
              {(page) => (
                <>
                  <Table
                    caption={t('zones.ingresses')}
                    rows={page.items}
                    rowKey={(z) => z.name}
                    empty={t('zones.noIngresses')}
                    columns={[
                      { header: t('common.name'), cell: (z) => z.name },
                      { header: t('zones.zone'), cell: (z) => z.zoneIngress?.zone ?? z.labels?.['kuma.io/zone'] ?? '' },
                      {
                        header: t('common.status'),
                        cell: (z) => <StatusBadge status={subscriptionState(z.zoneIngressInsight?.subscriptions)} />,
                      },
                      { header: t('common.address'), cell: (z) => addressOf(z.zoneIngress?.networking) },
                    ]}
                  />
                  <Pager
                    offset={offsetOf('ingressOffset')}
                    size={PAGE_SIZE}
                    total={page.total}
                    onOffset={setOffset('ingressOffset')}
                  />
                </>
              )}
            </Loaded>
          </section>
          <section aria-labelledby="zone-egresses">
            <h2 id="zone-egresses">{t('zones.egresses')}</h2>
            <Loaded query={egresses}>
              {(page) => (
                <>
                  <Table
                    caption={t('zones.egresses')}
                    rows={page.items}
                    rowKey={(z) => z.name}
                    empty={t('zones.noEgresses')}
                    columns={[
                      { header: t('common.name'), cell: (z) => z.name },
                      { header: t('zones.zone'), cell: (z) => z.zoneEgress?.zone ?? z.labels?.['kuma.io/zone'] ?? '' },
                      {
                        header: t('common.status'),
                        cell: (z) => <StatusBadge status={subscriptionState(z.zoneEgressInsight?.subscriptions)} />,
                      },
                      { header: t('common.address'), cell: (z) => addressOf(z.zoneEgress?.networking) },
                    ]}
                  />
                  <Pager
                    offset={offsetOf('egressOffset')}
                    size={PAGE_SIZE}
                    total={page.total}
                    onOffset={setOffset('egressOffset')}
                  />
                </>
              )}
            </Loaded>
          </section>
        </>
      )}
    </Page>
  );
}

const addressOf = (networking: { address?: string; port?: number } | undefined): string =>
  networking?.address === undefined
    ? ''
    : `${networking.address}${networking.port === undefined ? '' : `:${networking.port}`}`;
