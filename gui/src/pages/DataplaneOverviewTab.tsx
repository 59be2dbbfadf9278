/**
 * A dataplane's parts and its link to the control plane: inbounds and
 * outbounds (as declared, and as the control plane resolved them when the
 * mesh names destinations by MeshService), the xDS stream with per type what
 * was sent, ACKed and NACKed (a NACK newer than the type's last ACK is an
 * alert), older streams folded away, and its certificate.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { Table } from '../components/Table';
import { TagList } from '../components/TagList';
import { Timestamp } from '../components/Timestamp';
import type { DataplaneOverview } from '../model/dataplane';
import {
  envoyRestartReason,
  outstandingNacks,
  versionsOf,
  relativeTime,
  splitSubscriptions,
  typeRows,
  type Subscription,
  type TypeRow,
} from '../model/dataplane-connection';

export function DataplaneOverviewTab({ dp }: { dp: DataplaneOverview }) {
  return (
    <>
      <Networking dp={dp} />
      <Connection dp={dp} />
      <Certificate dp={dp} />
    </>
  );
}

const SERVICE_MODES = new Set(['Everywhere', 'ReachableBackends', 'Exclusive']);
const namesDestinationsByService = (mesh: unknown): boolean => {
  const mode = (mesh as { meshServices?: { mode?: string } } | undefined)?.meshServices?.mode;
  return mode !== undefined && SERVICE_MODES.has(mode);
};

function Networking({ dp }: { dp: DataplaneOverview }) {
  const { t } = useTranslation();
  const networking = dp.dataplane.networking;
  const mesh = useQuery({
    queryKey: ['mesh', dp.mesh],
    queryFn: async () => dataOf(await api.GET('/meshes/{name}', { params: { path: { name: dp.mesh } } })),
  });
  const layout = useQuery({
    queryKey: ['dataplane-layout', dp.mesh, dp.name],
    // Only meshes naming destinations by MeshService have a layout; elsewhere the declared outbounds are all there is.
    enabled: namesDestinationsByService(mesh.data),
    queryFn: async () => {
      const result = await api.GET('/meshes/{mesh}/dataplanes/{name}/_layout', {
        params: { path: { mesh: dp.mesh, name: dp.name } },
      });
      return result.data ?? null;
    },
  });
  return (
    <>
      <section aria-labelledby="dp-inbounds">
        <h3 id="dp-inbounds">{t('dataplane.inbounds')}</h3>
        <Table
          caption={t('dataplane.inbounds')}
          rows={networking?.inbound ?? []}
          rowKey={(i) => `${i.address ?? ''}:${i.port ?? ''}:${i.name ?? ''}`}
          empty={t('dataplane.noInbounds')}
          columns={[
            { header: t('dataplane.port'), cell: (i) => i.port ?? '' },
            { header: t('common.address'), cell: (i) => <code>{i.address ?? networking?.address ?? ''}</code> },
            { header: t('dataplane.servicePort'), cell: (i) => i.servicePort ?? i.port ?? '' },
            { header: t('common.tags'), cell: (i) => <TagList tags={i.tags} empty={t('common.none')} /> },
            {
              header: t('dataplane.ready'),
              cell: (i) => (i.health?.ready === false ? t('common.no') : t('common.yes')),
            },
          ]}
        />
      </section>
      <section aria-labelledby="dp-outbounds">
        <h3 id="dp-outbounds">{t('dataplane.outbounds')}</h3>
        <Table
          caption={t('dataplane.outbounds')}
          rows={networking?.outbound ?? []}
          rowKey={(o) => `${o.address ?? ''}:${o.port ?? ''}:${JSON.stringify(o.tags ?? o.backendRef)}`}
          empty={t('dataplane.noOutbounds')}
          columns={[
            { header: t('dataplane.port'), cell: (o) => o.port ?? '' },
            { header: t('common.address'), cell: (o) => <code>{o.address ?? '127.0.0.1'}</code> },
            {
              header: t('dataplane.destination'),
              cell: (o) =>
                o.backendRef !== undefined ? (
                  <code>{JSON.stringify(o.backendRef)}</code>
                ) : (
                  <TagList tags={o.tags} empty={t('common.none')} />
                ),
            },
          ]}
        />
        {layout.data != null && layout.data.outbounds.length > 0 && (
          <>
            <h4>{t('dataplane.resolvedOutbounds')}</h4>
            <Table
              caption={t('dataplane.resolvedOutbounds')}
              rows={layout.data.outbounds}
              rowKey={(o) => o.kri ?? ''}
              empty={t('dataplane.noOutbounds')}
              columns={[
                { header: t('dataplane.kri'), cell: (o) => <code>{o.kri}</code> },
                { header: t('dataplane.port'), cell: (o) => o.port ?? '' },
                { header: t('dataplane.protocol'), cell: (o) => o.protocol ?? '' },
              ]}
            />
          </>
        )}
      </section>
    </>
  );
}

function Connection({ dp }: { dp: DataplaneOverview }) {
  const { t } = useTranslation();
  const { current, history } = splitSubscriptions(dp.dataplaneInsight?.subscriptions);
  const restarting = envoyRestartReason(dp.dataplaneInsight);
  return (
    <section aria-labelledby="dp-connection">
      <h3 id="dp-connection">{t('dataplane.connection')}</h3>
      {restarting !== undefined && <p className="warning">{t('dataplane.envoyRestarting', { reason: restarting })}</p>}
      {current === undefined ? (
        <p className="empty">{t('dataplane.neverConnected')}</p>
      ) : (
        <>
          <SubscriptionView subscription={current} alerts />
          {history.length > 0 && (
            <details className="history">
              <summary>{t('dataplane.history', { n: history.length })}</summary>
              {history.map((s) => (
                <div key={s.id} className="history-item">
                  <SubscriptionView subscription={s} alerts={false} />
                </div>
              ))}
            </details>
          )}
        </>
      )}
    </section>
  );
}

function SubscriptionView({ subscription, alerts }: { subscription: Subscription; alerts: boolean }) {
  const { t } = useTranslation();
  const rows = typeRows(subscription);
  const nacks = alerts ? outstandingNacks(rows) : [];
  const versions = versionsOf(subscription);
  return (
    <>
      {nacks.map((row) => (
        <div key={row.type} className="nack-alert" role="alert">
          <strong>{t('dataplane.nackAlert', { type: row.type.toUpperCase() })}</strong>
          <pre className="nack-text">{row.lastNack?.error}</pre>
          <p>
            {t('dataplane.nackVersion', { version: row.lastNack?.version ?? '' })} ·{' '}
            <Timestamp time={row.lastNack?.time} />
          </p>
        </div>
      ))}
      <dl className="inline subscription">
        <dt>{t('dataplane.instance')}</dt>
        <dd>
          <code>{subscription.controlPlaneInstanceId}</code>
        </dd>
        <dt>{t('dataplane.connectTime')}</dt>
        <dd>
          <Timestamp time={subscription.connectTime} />
        </dd>
        {subscription.disconnectTime !== undefined && (
          <>
            <dt>{t('dataplane.disconnectTime')}</dt>
            <dd>
              <Timestamp time={subscription.disconnectTime} />
            </dd>
          </>
        )}
        <dt>{t('dataplane.protocol')}</dt>
        <dd>{subscription.protocol ?? ''}</dd>
        <dt>{t('dataplane.agentVersion')}</dt>
        <dd>{versions.agent ?? t('dataplane.unknown')}</dd>
        <dt>{t('dataplane.envoyVersion')}</dt>
        <dd>{versions.envoy ?? t('dataplane.unknown')}</dd>
      </dl>
      <TypeTable rows={rows} caption={t('dataplane.typesCaption', { id: subscription.id })} />
    </>
  );
}

function TypeTable({ rows, caption }: { rows: readonly TypeRow[]; caption: string }) {
  const { t } = useTranslation();
  return (
    <Table
      caption={caption}
      rows={rows}
      rowKey={(r) => r.type}
      empty={t('dataplane.noTypes')}
      columns={[
        { header: t('dataplane.type'), cell: (r) => r.type.toUpperCase() },
        { header: t('dataplane.sentVersion'), cell: (r) => <code>{r.sentVersion ?? ''}</code> },
        { header: t('dataplane.ackedVersion'), cell: (r) => <code>{r.ackedVersion ?? ''}</code> },
        { header: t('dataplane.lastAck'), cell: (r) => <Timestamp time={r.lastAckTime} /> },
        { header: t('dataplane.sent'), cell: (r) => r.sent },
        { header: t('dataplane.acked'), cell: (r) => r.acked },
        { header: t('dataplane.rejected'), cell: (r) => r.rejected },
        {
          header: t('dataplane.lastNack'),
          cell: (r) =>
            r.lastNack === undefined ? (
              ''
            ) : (
              <span className={r.nackIsNewest ? 'nack-newest' : undefined}>
                <span className="nack-cell-text">{r.lastNack.error}</span> <Timestamp time={r.lastNack.time} />
              </span>
            ),
        },
      ]}
    />
  );
}

function Certificate({ dp }: { dp: DataplaneOverview }) {
  const { t, i18n } = useTranslation();
  const mtls = dp.dataplaneInsight?.mTLS;
  const expiry = mtls?.certificateExpirationTime;
  const expired = expiry !== undefined && Date.parse(expiry) <= Date.now();
  return (
    <section aria-labelledby="dp-certificate">
      <h3 id="dp-certificate">{t('dataplane.certificate')}</h3>
      {mtls === undefined ? (
        <p className="empty">{t('dataplane.noCertificate')}</p>
      ) : (
        <dl className="inline">
          <dt>{t('dataplane.issuedBackend')}</dt>
          <dd>{mtls.issuedBackend ?? ''}</dd>
          <dt>{t('dataplane.expires')}</dt>
          <dd className={expired ? 'warning' : undefined}>
            <Timestamp time={expiry} relative={false} />
            {expiry !== undefined &&
              ` (${expired ? t('dataplane.expired') : t('dataplane.timeLeft', { left: relativeTime(expiry, Date.now(), i18n.language) })})`}
          </dd>
          <dt>{t('dataplane.lastRegeneration')}</dt>
          <dd>
            <Timestamp time={mtls.lastCertificateRegeneration} />
          </dd>
          <dt>{t('dataplane.regenerations')}</dt>
          <dd>{mtls.certificateRegenerations ?? 0}</dd>
        </dl>
      )}
    </section>
  );
}
