/**
 * Overviews of zones and zone proxies, in Kuma's shapes: each resource with
 * the insight of the same name beside it (left out when there is none).
 *
 *   GET /zones/_overview, /zones/{name}/_overview                        ZoneOverview
 *   GET /zoneingresses/_overview, /zoneingresses/{name}/_overview        ZoneIngressOverview
 *   GET /zoneegresses/_overview, /zoneegresses/{name}/_overview          ZoneEgressOverview
 *
 * Each is also served under the kind's other paths (`/zone-ingresses`) and
 * under Kuma's older overview paths (`/zones+insights[/{name}]`, ...). Lists
 * page and filter as the kind's own list does (`size`, `offset`, `name`,
 * `filter[labels.KEY]`); an unknown name is a 404 as for the resource itself.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { documentOf, type KindDescriptor, type KindRegistry, type Resource } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { nextPageUrl, parseListParams } from '../list-query.js';

type Query = Record<string, string | string[] | undefined>;

interface OverviewKind {
  /** The kind described, e.g. `Zone`. */
  readonly kind: string;
  /** Its insight's kind, whose resource has the same name. */
  readonly insight: string;
  /** The keys the overview holds the resource's and the insight's specs under. */
  readonly specKey: string;
  readonly insightKey: string;
  /** Kuma's older path of the overviews, kept by Kuma for older clients. */
  readonly legacyPath: string;
}

const OVERVIEWS: readonly OverviewKind[] = [
  { kind: 'Zone', insight: 'ZoneInsight', specKey: 'zone', insightKey: 'zoneInsight', legacyPath: 'zones+insights' },
  {
    kind: 'ZoneIngress',
    insight: 'ZoneIngressInsight',
    specKey: 'zoneIngress',
    insightKey: 'zoneIngressInsight',
    legacyPath: 'zoneingresses+insights',
  },
  {
    kind: 'ZoneEgress',
    insight: 'ZoneEgressInsight',
    specKey: 'zoneEgress',
    insightKey: 'zoneEgressInsight',
    legacyPath: 'zoneegressoverviews',
  },
];

// What each route reports failing, in Kuma's words (errors.ts).
const LIST = { config: { errorTitle: 'Could not retrieve resources' } };
const GET = { config: { errorTitle: 'Could not retrieve a resource' } };

/** The overview of one resource: its metadata, its spec, and its insight's spec when it has one. */
export function overviewOf(
  described: OverviewKind,
  kind: KindDescriptor,
  resource: Resource,
  insight: Resource | undefined,
): Record<string, unknown> {
  const document = documentOf(kind, resource);
  const meta = ['name', 'creationTime', 'modificationTime', 'labels', 'kri'];
  const overview: Record<string, unknown> = { type: `${described.kind}Overview` };
  for (const key of meta) if (document[key] !== undefined) overview[key] = document[key];
  overview[described.specKey] = resource.spec;
  if (insight !== undefined) overview[described.insightKey] = insight.spec;
  return overview;
}

export function registerZoneOverviewRoutes(app: FastifyInstance, manager: ResourceManager, registry: KindRegistry) {
  for (const described of OVERVIEWS) {
    const kind = registry.byType(described.kind);
    if (kind === undefined) continue;
    const insightServed = registry.byType(described.insight) !== undefined;
    const withInsight = async (resource: Resource) => {
      const insight = insightServed
        ? await manager.store.get({ kind: described.insight, mesh: '', name: resource.name })
        : undefined;
      return overviewOf(described, kind, resource, insight);
    };

    const list = async (request: FastifyRequest) => {
      const query = request.query as Query;
      const params = parseListParams(query, { route: `/${kind.plural}/_overview` });
      const page = await manager.list({
        kind: kind.name,
        ...(params.nameContains !== undefined ? { nameContains: params.nameContains } : {}),
        ...(params.labels !== undefined ? { labels: params.labels } : {}),
        offset: params.offset,
        limit: params.size,
      });
      return {
        total: page.total,
        items: await Promise.all(page.items.map(withInsight)),
        next: nextPageUrl(
          `${request.protocol}://${request.host}`,
          request.url.split('?')[0] ?? '',
          query,
          params,
          page.total,
        ),
      };
    };
    const one = async (request: FastifyRequest<{ Params: { name: string } }>) =>
      withInsight(await manager.get({ kind: kind.name, mesh: '', name: request.params.name }));

    for (const path of [kind.plural, ...(kind.pathAliases ?? [])]) {
      app.get(`/${path}/_overview`, LIST, list);
      app.get<{ Params: { name: string } }>(`/${path}/:name/_overview`, GET, one);
    }
    app.get(`/${described.legacyPath}`, LIST, list);
    app.get<{ Params: { name: string } }>(`/${described.legacyPath}/:name`, GET, one);
  }
}
