/**
 * Which Dataplanes a resource reaches, paged as Kuma pages them
 * ({total, items: [{type, mesh, name, labels}], next?}, `name` a substring):
 *   GET /meshes/{mesh}/{policyPlural}/{name}/_resources/dataplanes
 *       those the policy's role and top-level targetRef select, as the engine
 *       matches them for the configuration it builds
 *   GET /meshes/{mesh}/meshservices/{name}/_dataplanes
 *   GET /meshes/{mesh}/meshservices/{name}/_resources/dataplanes (Kuma's older path)
 *       those the MeshService's selector stands for
 * Errors carry Kuma's titles: a missing mesh is "Failed to retrieve Mesh", a
 * missing policy or service "Could not retrieve policy".
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound, type KindRegistry, type Resource } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { meshServiceSelects } from '../../mesh/index.js';
import { nextPageUrl, parseListParams, type ListParams, MAX_PAGE_SIZE } from '../list-query.js';
import type { PolicyInspection } from './inspect-policies.js';
import { orNotFound } from './kuma-titles.js';

type Query = Record<string, string | string[] | undefined>;
type Request = FastifyRequest<{ Params: { mesh: string; plural?: string; name: string } }>;

/** Kuma's item: the Dataplane's identity and labels. */
const itemOf = (dataplane: Pick<Resource, 'mesh' | 'name' | 'labels'>) => ({
  type: 'Dataplane',
  mesh: dataplane.mesh,
  name: dataplane.name,
  labels: dataplane.labels,
});

function page<T>(request: Request, params: ListParams, matching: readonly T[]) {
  const query = request.query as Query;
  const next = nextPageUrl(
    `${request.protocol}://${request.host}`,
    request.url.split('?')[0] ?? '',
    query,
    params,
    matching.length,
  );
  return { items: matching.slice(params.offset, params.offset + params.size), next };
}

const nameContains = (params: ListParams) => (name: string) =>
  params.nameContains === undefined || name.includes(params.nameContains);

/** Every Dataplane of the mesh, page by page (the store bounds one page). */
async function dataplanesIn(manager: ResourceManager, mesh: string, params: ListParams): Promise<Resource[]> {
  const all: Resource[] = [];
  for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
    const listed = await manager.list({
      kind: 'Dataplane',
      mesh,
      ...(params.nameContains === undefined ? {} : { nameContains: params.nameContains }),
      offset,
      limit: MAX_PAGE_SIZE,
    });
    all.push(...listed.items);
    if (listed.items.length < MAX_PAGE_SIZE || all.length >= listed.total) return all;
  }
}

export function registerDataplanesOfRoutes(
  app: FastifyInstance,
  manager: ResourceManager,
  registry: KindRegistry,
  inspection: PolicyInspection,
): void {
  app.get('/meshes/:mesh/:plural/:name/_resources/dataplanes', async (request: Request) => {
    const { mesh, plural = '', name } = request.params;
    const kind = registry.byPath(plural);
    if (kind?.policy === undefined) throw notFound(`policy kind "${plural}"`);
    await orNotFound('Failed to retrieve Mesh', manager.get({ kind: 'Mesh', mesh: '', name: mesh }));
    const params = parseListParams(request.query as Query);
    await orNotFound('Could not retrieve policy', manager.get({ kind: kind.name, mesh, name }));
    const selected = inspection
      .dataplanesOf(mesh)
      .filter(nameContains(params))
      .filter((dataplane) =>
        inspection
          .contextOf(mesh, dataplane)
          ?.policies?.get(kind.name)
          ?.some((match) => match.policy.name === name),
      );
    const { items, next } = page(request, params, selected);
    const resources = await Promise.all(
      items.map((dataplane) => manager.get({ kind: 'Dataplane', mesh, name: dataplane }).catch(() => undefined)),
    );
    return {
      total: selected.length,
      items: items.map((dataplane, i) => itemOf(resources[i] ?? { mesh, name: dataplane, labels: {} })),
      ...(next === null ? {} : { next }),
    };
  });

  const ofMeshService = async (request: Request) => {
    const { mesh, name } = request.params;
    const params = parseListParams(request.query as Query);
    const service = await orNotFound('Could not retrieve policy', manager.get({ kind: 'MeshService', mesh, name }));
    const selected = (await dataplanesIn(manager, mesh, params)).filter((dataplane) =>
      meshServiceSelects(service.spec, dataplane),
    );
    const { items, next } = page(request, params, selected);
    return { total: selected.length, items: items.map(itemOf), ...(next === null ? {} : { next }) };
  };
  app.get('/meshes/:mesh/meshservices/:name/_dataplanes', ofMeshService);
  app.get('/meshes/:mesh/meshservices/:name/_resources/dataplanes', ofMeshService);
}
