/**
 * GET /meshes/{mesh}/dataplanes/{name}/policies
 *
 * Kuma's older policy inspection of a proxy, which the GUI's Policies tab of a
 * zone reads. A sidecar (or delegated gateway) answers
 *   {kind: "SidecarDataplane", total, items: [{type, name?, service?, matchedPolicies: {Kind: [meta]}}]}
 * with one item per part of the proxy that policies attach to. Koguma's
 * policies all select with a targetRef, so they attach to the proxy as a
 * whole: at most one item, `{type: "dataplane"}`, with every policy
 * selecting the proxy by kind (kinds sorted, each lowest priority first). The
 * per-inbound, per-outbound and per-service items were Kuma's legacy kinds.
 *
 * A builtin gateway answers
 *   {kind: "MeshGatewayDataplane", gateway: {mesh, name}, listeners: [{port, protocol, hosts: [{hostName, routes}]}]}
 * from the MeshGateway serving it. Routes there were Kuma's MeshGatewayRoutes
 * (a legacy kind), so none are listed: a MeshHTTPRoute's effect on a gateway
 * is in `_rules`. With no MeshGateway serving it, gateway and listeners are empty.
 */
import type { FastifyInstance } from 'fastify';
import { documentOf, type KindRegistry, type Labels, type Resource } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { gatewayModelOf, servingGateway } from '../../mesh/index.js';
import { MAX_PAGE_SIZE } from '../list-query.js';
import type { PolicyInspection } from './inspect-policies.js';
import { orNotFound } from './kuma-titles.js';

interface GatewayListener {
  readonly port: number;
  readonly protocol: string;
  readonly hostname?: string;
}

/** The meta of a resource as Kuma lists it inside an answer: the document without its spec. */
function metaOf(registry: KindRegistry, policy: Resource): Record<string, unknown> {
  const kind = registry.byType(policy.kind);
  if (kind === undefined) return { type: policy.kind, mesh: policy.mesh, name: policy.name };
  const document = documentOf(kind, policy);
  const meta: Record<string, unknown> = {};
  for (const key of ['type', 'mesh', 'name', 'creationTime', 'modificationTime', 'labels', 'kri'])
    if (document[key] !== undefined) meta[key] = document[key];
  return meta;
}

/** The MeshGateway's listeners by port (listeners sharing a port share one Envoy listener), with their host names. */
export function gatewayListeners(gateway: Resource | undefined): Record<string, unknown>[] {
  const listeners =
    (gateway?.spec as { conf?: { listeners?: readonly GatewayListener[] } } | undefined)?.conf?.listeners ?? [];
  const byPort = new Map<number, { protocol: string; hosts: Set<string> }>();
  for (const listener of listeners) {
    const entry = byPort.get(listener.port) ?? { protocol: listener.protocol, hosts: new Set<string>() };
    byPort.set(listener.port, entry);
    entry.hosts.add(listener.hostname ?? '*');
  }
  return [...byPort]
    .sort(([a], [b]) => a - b)
    .map(([port, { protocol, hosts }]) => ({
      port,
      protocol,
      hosts: [...hosts].sort().map((hostName) => ({ hostName, routes: [] })),
    }));
}

async function meshGateways(manager: ResourceManager, mesh: string): Promise<Resource[]> {
  const all: Resource[] = [];
  for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
    const page = await manager.list({ kind: 'MeshGateway', mesh, offset, limit: MAX_PAGE_SIZE });
    all.push(...page.items);
    if (page.items.length < MAX_PAGE_SIZE || all.length >= page.total) return all;
  }
}

export function registerLegacyPolicyInspectionRoute(
  app: FastifyInstance,
  manager: ResourceManager,
  registry: KindRegistry,
  policies: PolicyInspection | undefined,
): void {
  app.get<{ Params: { mesh: string; name: string } }>(
    '/meshes/:mesh/dataplanes/:name/policies',
    { config: { errorTitle: 'Could not get MatchedPolicies' } },
    async (request) => {
      const { mesh, name } = request.params;
      await orNotFound('Could not build MeshContext', manager.get({ kind: 'Mesh', mesh: '', name: mesh }));
      const dataplane = await orNotFound(
        'Could not get MatchedPolicies',
        manager.get({ kind: 'Dataplane', mesh, name }),
      );
      const gateway = (dataplane.spec['networking'] as { gateway?: { type?: string; tags?: Labels } }).gateway;
      if (gateway?.type === 'BUILTIN') {
        const gateways = await meshGateways(manager, mesh);
        const serving = servingGateway(gateways.map(gatewayModelOf), gateway.tags ?? {}, dataplane.labels);
        const resource = gateways.find((g) => g.name === serving?.name);
        return {
          kind: 'MeshGatewayDataplane',
          gateway: resource === undefined ? {} : { mesh, name: resource.name },
          listeners: gatewayListeners(resource),
        };
      }
      const matched: ReadonlyMap<string, readonly { readonly policy: Resource }[]> =
        policies?.contextOf(mesh, name)?.policies ?? new Map();
      const byKind: Record<string, Record<string, unknown>[]> = {};
      for (const kind of [...matched.keys()].sort())
        byKind[kind] = matched.get(kind)!.map((m) => metaOf(registry, m.policy));
      const items = Object.keys(byKind).length === 0 ? [] : [{ type: 'dataplane', matchedPolicies: byKind }];
      return { kind: 'SidecarDataplane', total: items.length, items };
    },
  );
}
