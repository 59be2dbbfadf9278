/**
 * One mesh: its mTLS backend and CA expiry, its counts, its services and its
 * policies by kind, each linking to its own page; live like every page.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { CaSummary } from '../components/CaSummary';
import { CountList } from '../components/CountList';
import { EditLink } from '../components/EditLink';
import { Loaded } from '../components/Loaded';
import { MeshServicesPreview } from '../components/MeshServicesPreview';
import { Page } from '../components/Page';
import { MeshPolicies } from '../components/MeshPolicies';
import './MeshPage.css';

export function MeshPage() {
  const { t } = useTranslation();
  const mesh = useParams()['mesh'] ?? '';
  const resource = useQuery({
    queryKey: ['mesh', mesh],
    queryFn: async () => dataOf(await api.GET('/meshes/{name}', { params: { path: { name: mesh } } })),
  });
  const insight = useQuery({
    queryKey: ['mesh-insight', mesh],
    queryFn: async () => dataOf(await api.GET('/mesh-insights/{mesh}', { params: { path: { mesh } } })),
  });
  const kinds = useQuery({
    queryKey: ['policy-kinds'],
    queryFn: async () => dataOf(await api.GET('/policies')),
  });

  return (
    <Page
      title={t('mesh.title', { name: mesh })}
      actions={resource.data === undefined ? undefined : <EditLink kind="Mesh" name={mesh} />}
    >
      <Loaded query={resource}>
        {(m) => (
          <>
            <section className="cards mesh-cards" aria-label={t('mesh.summary')}>
              <div className="card">
                <h2>{t('mesh.mtls')}</h2>
                {m.mtls?.enabledBackend === undefined ? (
                  <p>{t('meshes.mtlsOff')}</p>
                ) : (
                  <dl className="inline">
                    <dt>{t('mesh.backend')}</dt>
                    <dd>{m.mtls.enabledBackend}</dd>
                    {m.mtls.backends
                      ?.filter((b) => b.name === m.mtls?.enabledBackend)
                      .map((b) => (
                        <MtlsBackendFacts key={b.name} type={b.type} mode={b.mode} />
                      ))}
                  </dl>
                )}
              </div>
              <div className="card">
                <h2>{t('mesh.ca')}</h2>
                <CaSummary mesh={mesh} />
              </div>
              <Loaded query={insight}>
                {(i) => (
                  <>
                    <div className="card">
                      <h2>{t('meshes.dataplanes')}</h2>
                      <p className="figure">{i.dataplanes?.total ?? 0}</p>
                      <CountList
                        counts={[
                          { label: t('status.online'), value: i.dataplanes?.online ?? 0 },
                          { label: t('status.offline'), value: i.dataplanes?.offline ?? 0 },
                          { label: t('status.partially_degraded'), value: i.dataplanes?.partiallyDegraded ?? 0 },
                        ]}
                      />
                    </div>
                    <div className="card">
                      <h2>{t('meshes.services')}</h2>
                      <p className="figure">{i.services?.total ?? 0}</p>
                      <CountList
                        counts={[
                          { label: t('mesh.internal'), value: i.services?.internal ?? 0 },
                          { label: t('mesh.external'), value: i.services?.external ?? 0 },
                        ]}
                      />
                    </div>
                    <div className="card">
                      <h2>{t('meshes.policies')}</h2>
                      <p className="figure">
                        {Object.values(i.policies ?? {}).reduce((n, p) => n + (p.total ?? 0), 0)}
                      </p>
                    </div>
                  </>
                )}
              </Loaded>
            </section>
            <section aria-labelledby="mesh-services">
              <h2 id="mesh-services">{t('meshes.services')}</h2>
              <MeshServicesPreview mesh={mesh} />
            </section>
            <section aria-labelledby="mesh-policies">
              <h2 id="mesh-policies">{t('mesh.policiesByKind')}</h2>
              <Loaded query={kinds}>
                {(k) => (
                  <Loaded query={insight}>
                    {(i) => <MeshPolicies mesh={mesh} kinds={k.policies} totals={i.policies} />}
                  </Loaded>
                )}
              </Loaded>
            </section>
          </>
        )}
      </Loaded>
    </Page>
  );
}

function MtlsBackendFacts({ type, mode }: { type: string; mode?: string | undefined }) {
  const { t } = useTranslation();
  return (
    <>
      <dt>{t('common.type')}</dt>
      <dd>{type}</dd>
      <dt>{t('mesh.mode')}</dt>
      <dd>{mode ?? 'STRICT'}</dd>
    </>
  );
}
