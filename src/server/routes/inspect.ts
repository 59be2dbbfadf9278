/**
 * Status and inspection of proxies:
 *   GET /meshes/{mesh}/dataplanes/_overview        (alias: /dataplanes+insights)
 *   GET /meshes/{mesh}/dataplanes/{name}/_overview
 *   GET /meshes/{mesh}/dataplanes/{name}/_config   its configuration (inspect-config.ts)
 *   policy inspection (`_rules`): inspect-policies.ts; whom a policy or a
 *   MeshService reaches: inspect-dataplanes-of.ts; service hostnames: inspect-hostnames.ts
 *   a proxy's parts and their policies by KRI (`_layout`, `_policies`, ...): inspect-dataplane.ts
 *   Envoy's admin output (`xds`, `stats`, `clusters`): inspect-envoy-admin.ts
 * Overviews follow Kuma's DataplaneOverview shape (dataplane + dataplaneInsight
 * with one subscription per xDS stream), with per-type versions and the last
 * NACK added, since a rejected configuration is what an operator looks for,
 * and so is one this control plane held back (`consistencyError`: the
 * consistency gate found references in it that do not resolve).
 * The status is this instance's: a proxy connected to another instance shows
 * as not connected here.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { documentOf, type KindRegistry, type Resource } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { shortNameOfType, typeUrls } from '../../xds/index.js';
import type { EnvoyAdminSource, ProxyStatus, SnapshotSource } from '../../xds/server/index.js';
import { nextPageUrl, parseListParams } from '../list-query.js';
import { registerConfigRoute, type ConfigPreview } from './inspect-config.js';
import { registerDataplanesOfRoutes } from './inspect-dataplanes-of.js';
import { registerEnvoyAdminRoutes } from './inspect-envoy-admin.js';
import { registerHostnameRoutes } from './inspect-hostnames.js';
import { registerDataplaneInspectionRoutes } from './inspect-dataplane.js';
import { registerPolicyInspectionRoutes, type PolicyInspection } from './inspect-policies.js';

export interface ProxyStatusReader {
  get(nodeId: string): ProxyStatus | undefined;
}

export interface Inspection {
  readonly status: ProxyStatusReader;
  readonly snapshots: Pick<SnapshotSource, 'get'>;
  /** The proxy's workload certificate (mesh mTLS), as Kuma's DataplaneInsight.mTLS. */
  readonly certificates?: { insight(nodeId: string): object | undefined };
  /** The configuration built on request, with or without shadow policies (`_config`); the served one without it. */
  readonly configPreview?: ConfigPreview;
  /** Policy inspection (`_rules`, `_resources/dataplanes`); not served without it. */
  readonly policies?: PolicyInspection;
  /** Envoy's admin API through the dataplanes' agents (`xds`, `stats`, `clusters`); not served without it. */
  readonly envoyAdmin?: EnvoyAdminSource;
  /** What each agent last said about its Envoy (`dataplaneInsight.envoy`). */
  readonly agentReports?: {
    of(nodeId: string): { readonly phase: string; readonly reason: string; readonly at: Date } | undefined;
  };
  /** Why the proxy's latest configuration was not published (`dataplaneInsight.consistencyError`). */
  readonly consistency?: {
    heldOf(nodeId: string): { readonly problems: readonly string[]; readonly since: Date } | undefined;
  };
}

type Query = Record<string, string | string[] | undefined>;

const nodeIdOf = (mesh: string, name: string): string => `${mesh}.${name}`;

/** Kuma's DataplaneInsight from this instance's stream status. */
function insightOf(status: ProxyStatus | undefined): Record<string, unknown> {
  if (!status) return { subscriptions: [] };
  const perType: Record<string, unknown> = {};
  let sent = 0;
  let acked = 0;
  let rejected = 0;
  for (const typeUrl of typeUrls) {
    const type = status.types.get(typeUrl);
    if (!type) continue;
    sent += type.responsesSent;
    acked += type.responsesAcked;
    rejected += type.responsesRejected;
    perType[shortNameOfType[typeUrl].toLowerCase()] = {
      responsesSent: String(type.responsesSent),
      responsesAcknowledged: String(type.responsesAcked),
      responsesRejected: String(type.responsesRejected),
      ...(type.sent ? { sentVersion: type.sent.version, lastSentTime: type.sent.at.toISOString() } : {}),
      ...(type.acked ? { ackedVersion: type.acked.version, lastAckTime: type.acked.at.toISOString() } : {}),
      ...(type.lastNack
        ? {
            lastNack: {
              version: type.lastNack.version,
              error: type.lastNack.error,
              time: type.lastNack.at.toISOString(),
            },
          }
        : {}),
    };
  }
  return {
    subscriptions: [
      {
        id: status.streamId,
        controlPlaneInstanceId: status.instanceId,
        connectTime: status.since.toISOString(),
        ...(status.disconnectedAt ? { disconnectTime: status.disconnectedAt.toISOString() } : {}),
        protocol: status.protocol,
        status: {
          total: {
            responsesSent: String(sent),
            responsesAcknowledged: String(acked),
            responsesRejected: String(rejected),
          },
          ...perType,
        },
      },
    ],
    connected: status.connected,
  };
}

const withCertificate = (insight: Record<string, unknown>, mtls: object | undefined): Record<string, unknown> =>
  mtls === undefined ? insight : { ...insight, mTLS: mtls };

/** What the agent last said about its Envoy: why a proxy is offline when Envoy keeps failing. */
const withAgentReport = (
  insight: Record<string, unknown>,
  report: { phase: string; reason: string; at: Date } | undefined,
): Record<string, unknown> =>
  report === undefined
    ? insight
    : { ...insight, envoy: { state: report.phase, reason: report.reason, time: report.at.toISOString() } };

/** The configuration the consistency gate held back, and why: the proxy still runs its last published one. */
const withConsistencyError = (
  insight: Record<string, unknown>,
  held: { problems: readonly string[]; since: Date } | undefined,
): Record<string, unknown> =>
  held === undefined
    ? insight
    : {
        ...insight,
        consistencyError: {
          error: `configuration not published, the proxy keeps its last one: ${held.problems.length === 1 ? '1 reference does' : `${held.problems.length} references do`} not resolve`,
          problems: held.problems,
          time: held.since.toISOString(),
        },
      };

export function registerInspectionRoutes(
  app: FastifyInstance,
  manager: ResourceManager,
  registry: KindRegistry,
  inspection: Inspection,
): void {
  const dataplaneKind = registry.byType('Dataplane')!;
  if (inspection.policies) {
    registerPolicyInspectionRoutes(app, manager, registry, inspection.policies);
    registerDataplanesOfRoutes(app, manager, registry, inspection.policies);
    registerDataplaneInspectionRoutes(app, manager, registry, inspection.policies);
  }
  registerHostnameRoutes(app, manager, registry);
  if (inspection.envoyAdmin)
    registerEnvoyAdminRoutes(
      app,
      manager,
      inspection.envoyAdmin,
      (mesh, name) => inspection.policies?.contextOf(mesh, name)?.flavour,
    );

  const overviewOf = (resource: Resource) => {
    const {
      type: _type,
      mesh,
      name,
      creationTime,
      modificationTime,
      ...dataplane
    } = documentOf(dataplaneKind, resource);
    const nodeId = nodeIdOf(resource.mesh, resource.name);
    return {
      type: 'DataplaneOverview',
      mesh,
      name,
      creationTime,
      modificationTime,
      dataplane,
      dataplaneInsight: withConsistencyError(
        withAgentReport(
          withCertificate(insightOf(inspection.status.get(nodeId)), inspection.certificates?.insight(nodeId)),
          inspection.agentReports?.of(nodeId),
        ),
        inspection.consistency?.heldOf(nodeId),
      ),
    };
  };

  const listOverviews = async (request: FastifyRequest<{ Params: { mesh: string } }>) => {
    const query = request.query as Query;
    const params = parseListParams(query, true);
    const page = await manager.list({
      kind: 'Dataplane',
      mesh: request.params.mesh,
      ...(params.nameContains !== undefined ? { nameContains: params.nameContains } : {}),
      ...(params.labels !== undefined ? { labels: params.labels } : {}),
      ...(params.tags !== undefined ? { tags: params.tags } : {}),
      offset: params.offset,
      limit: params.size,
    });
    return {
      total: page.total,
      items: page.items.map(overviewOf),
      next: nextPageUrl(
        `${request.protocol}://${request.host}`,
        request.url.split('?')[0] ?? '',
        query,
        params,
        page.total,
      ),
    };
  };
  app.get('/meshes/:mesh/dataplanes/_overview', listOverviews);
  app.get('/meshes/:mesh/dataplanes+insights', listOverviews);

  app.get<{ Params: { mesh: string; name: string } }>('/meshes/:mesh/dataplanes/:name/_overview', async (request) => {
    const { mesh, name } = request.params;
    return overviewOf(await manager.get({ kind: 'Dataplane', mesh, name }));
  });

  registerConfigRoute(app, manager, inspection.snapshots, inspection.configPreview);
}
