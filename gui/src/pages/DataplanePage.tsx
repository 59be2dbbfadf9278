/**
 * One dataplane: who it is and how it is connected (Overview), why its
 * configuration is what it is (Explanation), and the configuration itself
 * (Configuration). The section is in the URL (`?tab=`); everything follows
 * the live event stream.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { Loaded } from '../components/Loaded';
import { Page } from '../components/Page';
import { StatusBadge } from '../components/StatusBadge';
import { TabLinks } from '../components/TabLinks';
import { TagList } from '../components/TagList';
import { useUrlState } from '../components/search-params';
import { dataplaneStatus, type DataplaneOverview } from '../model/dataplane';
import { DataplaneConfig } from './DataplaneConfig';
import { DataplaneExplanation } from './DataplaneExplanation';
import { DataplaneOverviewTab } from './DataplaneOverviewTab';
import './DataplanePage.css';

const TABS = ['overview', 'explanation', 'config'] as const;
type Tab = (typeof TABS)[number];

/** The tags of a dataplane's inbounds and gateway, merged (first value of a key wins). */
function tagsOf(dp: DataplaneOverview): Record<string, string> {
  const networking = dp.dataplane.networking;
  const all = [...(networking?.inbound ?? []).map((i) => i.tags), networking?.gateway?.tags];
  const tags: Record<string, string> = {};
  for (const set of all) for (const [key, value] of Object.entries(set ?? {})) tags[key] ??= value;
  return tags;
}

export function DataplanePage() {
  const { t } = useTranslation();
  const { mesh = '', name = '' } = useParams();
  const [state] = useUrlState(['tab']);
  const tab: Tab = (TABS as readonly string[]).includes(state.tab) ? (state.tab as Tab) : 'overview';
  const overview = useQuery({
    queryKey: ['dataplane-overview', mesh, name],
    queryFn: async () =>
      dataOf(await api.GET('/meshes/{mesh}/dataplanes/{name}/_overview', { params: { path: { mesh, name } } })),
  });
  const labels: Record<Tab, string> = {
    overview: t('dataplane.tabOverview'),
    explanation: t('dataplane.tabExplanation'),
    config: t('dataplane.tabConfig'),
  };

  return (
    <Page title={name}>
      <Loaded query={overview}>
        {(dp) => (
          <>
            <dl className="dataplane-header inline">
              <dt>{t('common.mesh')}</dt>
              <dd>
                <Link to={`/meshes/${encodeURIComponent(dp.mesh)}`}>{dp.mesh}</Link>
              </dd>
              <dt>{t('common.status')}</dt>
              <dd>
                <StatusBadge status={dataplaneStatus(dp)} />
              </dd>
              <dt>{t('dataplanes.proxyType')}</dt>
              <dd>
                {dp.proxyType === 'grpc'
                  ? t('dataplanes.grpc')
                  : dp.proxyType === 'envoy'
                    ? t('dataplanes.envoy')
                    : t('dataplane.unknown')}
              </dd>
              <dt>{t('common.address')}</dt>
              <dd>
                <code>{dp.dataplane.networking?.address ?? ''}</code>
              </dd>
              <dt>{t('common.tags')}</dt>
              <dd>
                <TagList tags={tagsOf(dp)} empty={t('common.none')} />
              </dd>
              {dp.kri !== undefined && (
                <>
                  <dt>{t('dataplane.kri')}</dt>
                  <dd>
                    <code>{dp.kri}</code>
                  </dd>
                </>
              )}
            </dl>
            <TabLinks
              label={t('dataplane.sections')}
              tabs={TABS.map((id) => ({ id, label: labels[id] }))}
              current={tab}
            />
            <section className="tab-panel" aria-labelledby="dataplane-tab-heading">
              <h2 id="dataplane-tab-heading" className="visually-hidden">
                {labels[tab]}
              </h2>
              {tab === 'overview' && <DataplaneOverviewTab dp={dp} />}
              {tab === 'explanation' && <DataplaneExplanation mesh={mesh} name={name} />}
              {tab === 'config' && <DataplaneConfig mesh={mesh} name={name} />}
            </section>
          </>
        )}
      </Loaded>
    </Page>
  );
}
