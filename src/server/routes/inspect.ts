/**
 * Status and inspection of proxies:
 *   GET /meshes/{mesh}/dataplanes/_overview        (alias: /dataplanes+insights)
 *   GET /dataplanes/_overview                      across meshes (alias: /dataplanes+insights)
 *     filters: name, filter[labels.K], tag=K:V (fuzzy), gateway=true|false|builtin|delegated
 *   GET /meshes/{mesh}/dataplanes/{name}/_overview
 *   GET /meshes/{mesh}/dataplanes/{name}/_config   its configuration (inspect-config.ts)
 *   policy inspection (`_rules`): inspect-policies.ts; whom a policy or a
 *   MeshService reaches: inspect-dataplanes-of.ts; service hostnames: inspect-hostnames.ts
 *   a proxy's parts and their policies by KRI (`_layout`, `_policies`, ...): inspect-dataplane.ts
 *   Envoy's admin output (`xds`, `stats`, `clusters`): inspect-envoy-admin.ts
 * Overviews follow Kuma's DataplaneOverview shape (the resource's meta with
 * its labels and kri at the top, the spec as `dataplane`, and dataplaneInsight
 * with one subscription per xDS stream, each with the software the proxy
 * reported, and the features it declared as `metadata.features`), with per-type versions and the last
 * NACK added, since a rejected configuration is what an operator looks for,
 * and so is one this control plane held back (`consistencyError`: the
 * consistency gate found references in it that do not resolve).
 * The insight is the cluster's: the record the instance holding the proxy's
 * stream writes to the store, read here through the change feed, with this
 * instance's live status laid over it for a proxy connected here.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { documentOf, type KindRegistry, type Resource } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { isOnline, mergeInsight, type CertificateInsight, type DataplaneInsightSpec } from '../../insights/index.js';
import type { EnvoyAdminSource, ProxyStatus, SnapshotSource } from '../../xds/server/index.js';
import { insightMetadataOf, subscriptionOf } from '../../xds/sync/index.js';
import { listAll } from '../../store/index.js';
import { listFiltersOf, nextPageUrl, parseListParams } from '../list-query.js';
import { registerConfigRoute, type ConfigPreview } from './inspect-config.js';
import { registerDataplanesOfRoutes } from './inspect-dataplanes-of.js';
import { registerEnvoyAdminRoutes } from './inspect-envoy-admin.js';
import { registerHostnameRoutes } from './inspect-hostnames.js';
import { registerDataplaneInspectionRoutes } from './inspect-dataplane.js';
import { registerPolicyInspectionRoutes, type PolicyInspection } from './inspect-policies.js';
import { registerMeshCaRoute, type MeshCaSource } from './mesh-ca.js';
import { filtersOverviews, matchesOverview, parseOverviewFilters, proxyTypeOf } from './overview-filters.js';

export interface ProxyStatusReader {
  get(nodeId: string): ProxyStatus | undefined;
}

export interface Inspection {
  readonly status: ProxyStatusReader;
  readonly snapshots: Pick<SnapshotSource, 'get'>;
  /** The proxy's workload certificate (mesh mTLS), as Kuma's DataplaneInsight.mTLS. */
  readonly certificates?: { insight(nodeId: string): CertificateInsight | undefined };
  /** The configuration built on request, with or without shadow policies (`_config`); the served one without it. */
  readonly configPreview?: ConfigPreview;
  /** Every proxy's stored DataplaneInsight, whichever instance wrote it (insights/insight-index.ts). */
  readonly insights?: { insightOf(mesh: string, name: string): { readonly spec: object } | undefined };
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
  /** Each mesh's CA as this instance holds it (`/meshes/{mesh}/_ca`, mesh-ca.ts); not served without it. */
  readonly meshCa?: MeshCaSource;
}

type Query = Record<string, string | string[] | undefined>;

const nodeIdOf = (mesh: string, name: string): string => `${mesh}.${name}`;

/**
 * Kuma's DataplaneInsight of a proxy, whichever instance holds its stream: the
 * record in the store (written by that instance), with this instance's live
 * stream laid over it when the proxy is connected here, so that what this
 * instance knows first is shown at once. `connected` says whether a
 * subscription is open (Kuma's rule). Undefined when nothing is known.
 */
function insightOf(
  stored: Record<string, unknown> | undefined,
  status: ProxyStatus | undefined,
  mtls: CertificateInsight | undefined,
): Record<string, unknown> | undefined {
  const live = status?.connected ? status : undefined;
  if (stored === undefined && live === undefined && mtls === undefined) return undefined;
  const metadata = live === undefined ? undefined : insightMetadataOf(live);
  const merged =
    live === undefined
      ? (stored ?? {})
      : mergeInsight(stored as DataplaneInsightSpec | undefined, {
          subscriptions: [subscriptionOf(live)],
          ...(mtls === undefined ? {} : { mTLS: mtls }),
          ...(metadata === undefined ? {} : { metadata }),
        });
  return { subscriptions: [], ...merged, connected: isOnline(merged as DataplaneInsightSpec) };
}

/** What the agent last said about its Envoy: why a proxy is offline when Envoy keeps failing. */
const withAgentReport = (
  insight: Record<string, unknown> | undefined,
  report: { phase: string; reason: string; at: Date } | undefined,
): Record<string, unknown> | undefined =>
  report === undefined
    ? insight
    : { ...insight, envoy: { state: report.phase, reason: report.reason, time: report.at.toISOString() } };

/** The configuration the consistency gate held back, and why: the proxy still runs its last published one. */
const withConsistencyError = (
  insight: Record<string, unknown> | undefined,
  held: { problems: readonly string[]; since: Date } | undefined,
): Record<string, unknown> | undefined =>
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
  if (inspection.meshCa) registerMeshCaRoute(app, manager, inspection.meshCa);
  if (inspection.envoyAdmin)
    registerEnvoyAdminRoutes(
      app,
      manager,
      inspection.envoyAdmin,
      (mesh, name) => inspection.policies?.contextOf(mesh, name)?.flavour,
    );

  const overviewOf = (resource: Resource) => {
    // Kuma's overview carries the resource's meta (labels, kri) beside its
    // own, and the Dataplane's spec alone under `dataplane`.
    const {
      type: _type,
      mesh,
      name,
      creationTime,
      modificationTime,
      labels,
      kri,
      ...dataplane
    } = documentOf(dataplaneKind, resource);
    const nodeId = nodeIdOf(resource.mesh, resource.name);
    const stored = inspection.insights?.insightOf(resource.mesh, resource.name)?.spec as
      Record<string, unknown> | undefined;
    const dataplaneInsight = withConsistencyError(
      withAgentReport(
        insightOf(stored, inspection.status.get(nodeId), inspection.certificates?.insight(nodeId)),
        inspection.agentReports?.of(nodeId),
      ),
      inspection.consistency?.heldOf(nodeId),
    );
    // Kuma leaves the insight out of an overview when there is none.
    return {
      type: 'DataplaneOverview',
      mesh,
      name,
      creationTime,
      modificationTime,
      ...(labels === undefined ? {} : { labels }),
      ...(kri === undefined ? {} : { kri }),
      dataplane,
      ...(dataplaneInsight === undefined ? {} : { dataplaneInsight }),
      // Koguma's: `envoy`, or `grpc` for a proxyless application; null until a proxy has connected.
      proxyType: proxyTypeOf(dataplaneInsight),
    };
  };

  // In one mesh, or across meshes (no mesh parameter), as Kuma serves both.
  const listOverviews = async (request: FastifyRequest<{ Params: { mesh?: string } }>) => {
    const query = request.query as Query;
    const route = request.routeOptions.url?.replace(':mesh', '{mesh}');
    const params = parseListParams(query, { tags: true, gateway: true, ...(route === undefined ? {} : { route }) });
    const filters = parseOverviewFilters(query, route);
    const { mesh } = request.params;
    const storeQuery = { kind: 'Dataplane', ...(mesh === undefined ? {} : { mesh }), ...listFiltersOf(params) };
    let total: number;
    let items: ReturnType<typeof overviewOf>[];
    if (filtersOverviews(filters)) {
      // The insight decides: read every match, filter, then page (overview-filters.ts).
      await manager.list({ ...storeQuery, offset: 0, limit: 1 }); // a missing mesh is a 404, as without filters
      const matching: ReturnType<typeof overviewOf>[] = [];
      for await (const resource of listAll(manager.store, storeQuery)) {
        const overview = overviewOf(resource);
        if (matchesOverview(filters, overview)) matching.push(overview);
      }
      total = matching.length;
      items = matching.slice(params.offset, params.offset + params.size);
    } else {
      const page = await manager.list({ ...storeQuery, offset: params.offset, limit: params.size });
      total = page.total;
      items = page.items.map(overviewOf);
    }
    return {
      total,
      items,
      next: nextPageUrl(`${request.protocol}://${request.host}`, request.url.split('?')[0] ?? '', query, params, total),
    };
  };
  app.get('/meshes/:mesh/dataplanes/_overview', listOverviews);
  app.get('/meshes/:mesh/dataplanes+insights', listOverviews);
  app.get('/dataplanes/_overview', listOverviews);
  app.get('/dataplanes+insights', listOverviews);

  app.get<{ Params: { mesh: string; name: string } }>('/meshes/:mesh/dataplanes/:name/_overview', async (request) => {
    const { mesh, name } = request.params;
    return overviewOf(await manager.get({ kind: 'Dataplane', mesh, name }));
  });

  registerConfigRoute(app, manager, inspection.snapshots, inspection.configPreview);
}
