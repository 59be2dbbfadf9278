/**
 * A proxy's parts and the policies configuring each, in Kuma's shapes and
 * named by KRI, as the Kuma GUI's dataplane pages read them:
 *   GET /meshes/{mesh}/dataplanes/{name}/_layout
 *   GET /meshes/{mesh}/dataplanes/{name}/_policies
 *   GET /meshes/{mesh}/dataplanes/{name}/_inbounds/{kri}/_policies
 *   GET /meshes/{mesh}/dataplanes/{name}/_outbounds/{kri}/_policies
 *   GET /meshes/{mesh}/dataplanes/{name}/_outbounds/{kri}/_routes
 *   GET /meshes/{mesh}/dataplanes/{name}/_outbounds/{kri}/_routes/{kri}/_policies
 * The answers come from policies/inspection over the engine's view of the
 * mesh, the one the proxy's configuration is built from. Like Kuma, they need
 * the mesh's MeshServices on (`meshServices.mode` other than Disabled): they
 * name destinations by their MeshService.
 */
import type { FastifyInstance } from 'fastify';
import { kriTypeOf, type KindRegistry, type Resource } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import {
  dataplaneLayout,
  destinationOf,
  inboundOf,
  inboundPolicies,
  outboundPolicies,
  outboundRoutes,
  proxyPolicies,
  routeOf,
  routePolicies,
  badRequest,
  type ShortTypeOf,
} from '../../policies/inspection/index.js';
import type { ProxyContext } from '../../xds/generate/index.js';
import type { PolicyInspection } from './inspect-policies.js';
import { meshDestinations } from './mesh-destinations.js';

const ENABLED_MODES = new Set(['Everywhere', 'ReachableBackends', 'Exclusive']);

type DataplaneParams = { mesh: string; name: string };
type OutboundParams = DataplaneParams & { outbound: string };

const EMPTY_CONTEXT = (mesh: string, name: string): ProxyContext => ({
  mesh,
  name,
  flavour: 'envoy',
  address: '',
  inbounds: [],
  outbounds: [],
  destinations: new Map(),
});

export function registerDataplaneInspectionRoutes(
  app: FastifyInstance,
  manager: ResourceManager,
  registry: KindRegistry,
  inspection: PolicyInspection,
): void {
  const shortTypeOf: ShortTypeOf = kriTypeOf;

  /** The Dataplane, once its mesh is known to have MeshServices on. */
  async function dataplaneFor(params: DataplaneParams, endpoint: string): Promise<Resource> {
    const mesh = await manager.get({ kind: 'Mesh', mesh: '', name: params.mesh });
    const dataplane = await manager.get({ kind: 'Dataplane', mesh: params.mesh, name: params.name });
    const mode = (mesh.spec['meshServices'] as { mode?: string } | undefined)?.mode;
    if (mode === undefined || !ENABLED_MODES.has(mode))
      throw badRequest(`can't use ${endpoint} endpoint without meshService enabled`);
    return dataplane;
  }

  /** The proxy as the engine resolves it; before the engine has taken the Dataplane in, one with no policies. */
  const contextOf = (params: DataplaneParams): ProxyContext =>
    inspection.contextOf(params.mesh, params.name) ?? EMPTY_CONTEXT(params.mesh, params.name);

  const destinationsOf = (mesh: string): Promise<Resource[]> => meshDestinations(manager, registry, mesh);

  app.get<{ Params: DataplaneParams }>('/meshes/:mesh/dataplanes/:name/_layout', async (request) => {
    const dataplane = await dataplaneFor(request.params, '_layout');
    return dataplaneLayout(dataplane, await destinationsOf(dataplane.mesh), shortTypeOf);
  });

  app.get<{ Params: DataplaneParams }>('/meshes/:mesh/dataplanes/:name/_policies', async (request) => {
    await dataplaneFor(request.params, '_policies');
    return { policies: proxyPolicies(contextOf(request.params), shortTypeOf) };
  });

  app.get<{ Params: DataplaneParams & { inbound: string } }>(
    '/meshes/:mesh/dataplanes/:name/_inbounds/:inbound/_policies',
    async (request) => {
      const dataplane = await dataplaneFor(request.params, '_policies');
      const proxy = contextOf(request.params);
      const inbound = inboundOf(request.params.inbound, dataplane, proxy, shortTypeOf);
      return { policies: inboundPolicies(proxy, inbound, shortTypeOf) };
    },
  );

  app.get<{ Params: OutboundParams }>(
    '/meshes/:mesh/dataplanes/:name/_outbounds/:outbound/_policies',
    async (request) => {
      const dataplane = await dataplaneFor(request.params, '_policies');
      const { destination } = destinationOf(request.params.outbound, await destinationsOf(dataplane.mesh), shortTypeOf);
      return { policies: outboundPolicies(contextOf(request.params), destination, shortTypeOf) };
    },
  );

  app.get<{ Params: OutboundParams }>(
    '/meshes/:mesh/dataplanes/:name/_outbounds/:outbound/_routes',
    async (request) => {
      const dataplane = await dataplaneFor(request.params, '_routes');
      const { destination } = destinationOf(request.params.outbound, await destinationsOf(dataplane.mesh), shortTypeOf);
      return { routes: outboundRoutes(contextOf(request.params), destination, shortTypeOf) };
    },
  );

  app.get<{ Params: OutboundParams & { route: string } }>(
    '/meshes/:mesh/dataplanes/:name/_outbounds/:outbound/_routes/:route/_policies',
    async (request) => {
      const dataplane = await dataplaneFor(request.params, '_policies');
      const { destination } = destinationOf(request.params.outbound, await destinationsOf(dataplane.mesh), shortTypeOf);
      const proxy = contextOf(request.params);
      const route = routeOf(request.params.route, proxy, shortTypeOf);
      return { policies: routePolicies(proxy, destination, route, shortTypeOf) };
    },
  );
}
