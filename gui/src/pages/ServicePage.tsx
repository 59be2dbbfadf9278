/**
 * One service: for a MeshService its status and the dataplanes its selector
 * stands for, for a MeshExternalService its endpoints, for a tag-based
 * service the dataplanes that carry its `kuma.io/service` tag; and its
 * document as YAML.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { CountList } from '../components/CountList';
import { DeleteButton } from '../components/DeleteButton';
import { EditLink } from '../components/EditLink';
import { DataplaneTable } from '../components/DataplaneTable';
import { YamlSection } from '../components/YamlSection';
import { Loaded } from '../components/Loaded';
import { Page } from '../components/Page';
import { Pager } from '../components/Pager';
import { SelectedDataplanes } from '../components/SelectedDataplanes';
import { StatusBadge } from '../components/StatusBadge';
import { Table } from '../components/Table';
import { useUrlState } from '../components/search-params';
import { servicesOf } from '../model/dataplane';
import { meshPath, servicesPath } from '../model/paths';
import {
  addressesOf,
  insightStatus,
  isServiceKind,
  meshServiceCounts,
  meshServiceStatus,
  selectorOf,
} from '../model/services';
import { NotFoundPage } from './NotFoundPage';

const PAGE_SIZE = 25;

export function ServicePage() {
  const { t } = useTranslation();
  const { mesh = '', kind = '', name = '' } = useParams();
  const navigate = useNavigate();
  const [state, setState] = useUrlState(['offset']);
  const offset = Number(state.offset) || 0;
  const onOffset = (next: number) => setState({ offset: next === 0 ? '' : String(next) }, { resetOffset: false });
  if (!isServiceKind(kind)) return <NotFoundPage />;
  const title = t('services.serviceTitle', { kind: t(`services.kind_${kind}`), name });
  // Tag-based services are not resources: nothing to edit or delete.
  const resourceKind = { meshservices: 'MeshService', meshexternalservices: 'MeshExternalService', services: '' }[kind];
  return (
    <Page
      title={title}
      actions={
        resourceKind === '' ? undefined : (
          <>
            <EditLink kind={resourceKind} mesh={mesh} name={name} />
            <DeleteButton
              kind={resourceKind}
              mesh={mesh}
              name={name}
              onDeleted={() => void navigate(servicesPath(mesh))}
            />
          </>
        )
      }
    >
      <p>
        {t('common.mesh')}: <Link to={meshPath(mesh)}>{mesh}</Link>
      </p>
      {kind === 'meshservices' && <MeshServiceBody mesh={mesh} name={name} offset={offset} onOffset={onOffset} />}
      {kind === 'meshexternalservices' && <ExternalServiceBody mesh={mesh} name={name} />}
      {kind === 'services' && <TaggedServiceBody mesh={mesh} name={name} offset={offset} onOffset={onOffset} />}
    </Page>
  );
}

interface Paged {
  mesh: string;
  name: string;
  offset: number;
  onOffset: (offset: number) => void;
}

function MeshServiceBody({ mesh, name, offset, onOffset }: Paged) {
  const { t } = useTranslation();
  const service = useQuery({
    queryKey: ['meshservice', mesh, name],
    queryFn: async () =>
      dataOf(await api.GET('/meshes/{mesh}/meshservices/{name}', { params: { path: { mesh, name } } })),
  });
  return (
    <Loaded query={service}>
      {(s) => {
        const counts = meshServiceCounts(s);
        return (
          <>
            <section className="cards" aria-label={t('services.summary')}>
              <div className="card">
                <h2>{t('common.status')}</h2>
                <p>
                  <StatusBadge status={meshServiceStatus(s)} />
                </p>
                <CountList
                  counts={[
                    { label: t('common.total'), value: counts.total },
                    { label: t('services.connected'), value: counts.connected },
                    { label: t('services.healthy'), value: counts.healthy },
                  ]}
                />
              </div>
              <div className="card">
                <h2>{t('services.selector')}</h2>
                <p>
                  <code>{selectorOf(s)}</code>
                </p>
              </div>
              <div className="card">
                <h2>{t('services.addresses')}</h2>
                <p>{addressesOf(s).join(', ') || t('common.none')}</p>
              </div>
            </section>
            <section aria-labelledby="service-dataplanes">
              <h2 id="service-dataplanes">{t('services.dataplanes')}</h2>
              <SelectedDataplanes
                source={{ kind: 'meshservice', mesh, name }}
                caption={t('services.dataplanes')}
                empty={t('services.noDataplanes')}
                offset={offset}
                onOffset={onOffset}
              />
            </section>
            <YamlSection id="service-yaml" title={t('services.spec')} document={s} />
          </>
        );
      }}
    </Loaded>
  );
}

function ExternalServiceBody({ mesh, name }: { mesh: string; name: string }) {
  const { t } = useTranslation();
  const service = useQuery({
    queryKey: ['meshexternalservice', mesh, name],
    queryFn: async () =>
      dataOf(await api.GET('/meshes/{mesh}/meshexternalservices/{name}', { params: { path: { mesh, name } } })),
  });
  return (
    <Loaded query={service}>
      {(s) => (
        <>
          <section aria-labelledby="service-endpoints">
            <h2 id="service-endpoints">{t('services.endpoints')}</h2>
            <p>
              {t('services.match')}: {s.spec.match.protocol ?? 'tcp'} :{s.spec.match.port}
            </p>
            <Table
              caption={t('services.endpoints')}
              rows={s.spec.endpoints ?? []}
              rowKey={(e) => `${e.address}:${e.port}`}
              empty={t('common.none')}
              columns={[
                { header: t('common.address'), cell: (e) => e.address },
                { header: t('services.port'), cell: (e) => e.port },
                { header: t('services.priority'), cell: (e) => e.priority ?? 0 },
              ]}
            />
          </section>
          <YamlSection id="service-yaml" title={t('services.spec')} document={s} />
        </>
      )}
    </Loaded>
  );
}

function TaggedServiceBody({ mesh, name, offset, onOffset }: Paged) {
  const { t } = useTranslation();
  const insight = useQuery({
    queryKey: ['service-insights', mesh, name, 'one'],
    queryFn: async () =>
      dataOf(
        await api.GET('/meshes/{mesh}/service-insights', { params: { path: { mesh }, query: { name, size: 1000 } } }),
      ).items.find((s) => s.name === name) ?? null,
  });
  // The API's tag filter matches values containing the text: the page keeps the exact service.
  const dataplanes = useQuery({
    queryKey: ['dataplanes', mesh, 'service', name, offset],
    queryFn: async () =>
      dataOf(
        await api.GET('/meshes/{mesh}/dataplanes/_overview', {
          params: { path: { mesh }, query: { tag: [`kuma.io/service:${name}`], size: PAGE_SIZE, offset } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <Loaded query={insight}>
        {(s) =>
          s === null ? (
            <p className="empty">{t('services.noDataplanes')}</p>
          ) : (
            <section className="cards" aria-label={t('services.summary')}>
              <div className="card">
                <h2>{t('common.status')}</h2>
                <p>
                  <StatusBadge status={insightStatus(s)} />
                </p>
                <CountList
                  counts={[
                    { label: t('common.total'), value: s.dataplanes?.total ?? 0 },
                    { label: t('status.online'), value: s.dataplanes?.online ?? 0 },
                    { label: t('status.offline'), value: s.dataplanes?.offline ?? 0 },
                  ]}
                />
              </div>
              <div className="card">
                <h2>{t('common.address')}</h2>
                <p>{s.addressPort ?? t('common.none')}</p>
              </div>
            </section>
          )
        }
      </Loaded>
      <section aria-labelledby="service-dataplanes">
        <h2 id="service-dataplanes">{t('services.dataplanes')}</h2>
        <Loaded query={dataplanes}>
          {(page) => (
            <>
              <DataplaneTable
                caption={t('services.dataplanes')}
                rows={page.items.filter((dp) => servicesOf(dp).includes(name))}
                empty={t('services.noDataplanes')}
              />
              <Pager offset={offset} size={PAGE_SIZE} total={page.total} onOffset={onOffset} />
            </>
          )}
        </Loaded>
      </section>
      <Loaded query={insight}>
        {(s) => (s === null ? null : <YamlSection id="service-yaml" title={t('services.insight')} document={s} />)}
      </Loaded>
    </>
  );
}
