/**
 * Insights, from this instance's in-memory index of every mesh (kept current
 * by the store's change feed, so every instance answers alike):
 *   GET /mesh-insights                            MeshInsight of every mesh (paged, `name` filter)
 *   GET /mesh-insights/{mesh}
 *   GET /global-insights                          how many resources of each global kind
 *   GET /global-insight                           every mesh summed (the GUI's home page)
 *   GET /meshes/{mesh}/service-insights           one per service (paged, `name`, `type=internal,gateway_delegated,…`)
 *   GET /meshes/{mesh}/service-insights/{name}
 * A mesh that does not exist is a 404 in Kuma's error shape, as is a service
 * no proxy of the mesh provides.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidInput, notFound } from '../../api/index.js';
import {
  globalInsightDocument,
  globalInsightsDocument,
  meshInsightDocument,
  serviceInsightItems,
  type InsightIndex,
  type KindFacts,
  type MeshState,
} from '../../insights/index.js';
import { nextPageUrl, parseListParams } from '../list-query.js';

export interface InsightsSource {
  readonly index: Pick<InsightIndex, 'meshNames' | 'mesh' | 'globalCounts' | 'insightRecords'>;
  readonly kinds: readonly KindFacts[];
}

type Query = Record<string, string | string[] | undefined>;

const SERVICE_TYPES: ReadonlySet<string> = new Set(['internal', 'external', 'gateway_delegated', 'gateway_builtin']);

/** A page of `items` (already filtered) in Kuma's list shape; `next` with its parameters in Kuma's (sorted) order. */
function page<T>(request: FastifyRequest, items: readonly T[]): { total: number; items: T[]; next: string | null } {
  const query = request.query as Query;
  const params = parseListParams(query);
  const base = `${request.protocol}://${request.host}`;
  const next = nextPageUrl(base, request.url.split('?')[0] ?? '', query, params, items.length);
  let sortedNext: string | null = null;
  if (next !== null) {
    const url = new URL(next);
    url.searchParams.sort();
    sortedNext = url.toString();
  }
  return { total: items.length, items: items.slice(params.offset, params.offset + params.size), next: sortedNext };
}

/** `type=internal,gateway_builtin`: the service types asked for, or undefined for all. */
function serviceTypesOf(query: Query): ReadonlySet<string> | undefined {
  const raw = query['type'];
  if (raw === undefined) return undefined;
  const types = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => value.split(','));
  const wanted = new Set<string>();
  for (const type of types) {
    const normalised = type.trim().toLowerCase();
    if (!SERVICE_TYPES.has(normalised))
      throw invalidInput(
        [{ field: 'type', reason: `unsupported service type "${type}": use ${[...SERVICE_TYPES].join(', ')}` }],
        'unsupported service type',
      );
    wanted.add(normalised);
  }
  return wanted;
}

export function registerInsightRoutes(app: FastifyInstance, source: InsightsSource): void {
  const { index, kinds } = source;
  const meshOf = (name: string): MeshState => {
    const state = index.mesh(name);
    if (!state) throw notFound(`mesh "${name}"`);
    return state;
  };

  app.get('/mesh-insights', async (request) => {
    const params = parseListParams(request.query as Query);
    const names = index
      .meshNames()
      .filter((name) => params.nameContains === undefined || name.includes(params.nameContains));
    const result = page(request, names);
    return {
      total: result.total,
      items: result.items.flatMap((name) => {
        const state = index.mesh(name);
        return state ? [meshInsightDocument(name, state, kinds)] : [];
      }),
      next: result.next,
    };
  });

  app.get<{ Params: { mesh: string } }>('/mesh-insights/:mesh', async (request) =>
    meshInsightDocument(request.params.mesh, meshOf(request.params.mesh), kinds),
  );

  app.get('/global-insights', async () =>
    globalInsightsDocument(index.meshNames().length, index.globalCounts(), kinds, new Date()),
  );

  app.get('/global-insight', async () =>
    globalInsightDocument(
      index.meshNames().flatMap((name) => index.mesh(name) ?? []),
      index.globalCounts(),
      kinds,
      new Date(),
    ),
  );

  app.get<{ Params: { mesh: string } }>('/meshes/:mesh/service-insights', async (request) => {
    const query = request.query as Query;
    const params = parseListParams(query);
    const types = serviceTypesOf(query);
    const items = serviceInsightItems(request.params.mesh, meshOf(request.params.mesh)).filter(
      (item) =>
        (params.nameContains === undefined || item.name.includes(params.nameContains)) &&
        (types === undefined || types.has(item.serviceType)),
    );
    const result = page(request, items);
    return { total: result.total, items: result.items.map((item) => item.document), next: result.next };
  });

  app.get<{ Params: { mesh: string; name: string } }>('/meshes/:mesh/service-insights/:name', async (request) => {
    const { mesh, name } = request.params;
    const item = serviceInsightItems(mesh, meshOf(mesh)).find((candidate) => candidate.name === name);
    if (!item) throw notFound(`service "${name}" in mesh "${mesh}"`);
    return item.document;
  });
}
