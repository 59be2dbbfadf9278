/**
 * Policy inspection: why a proxy is configured as it is, and whom a policy touches.
 *   GET /meshes/{mesh}/dataplanes/{name}/_rules
 *       per policy kind selecting the proxy: the policies in priority order,
 *       the merged to-rules per destination, from and inbound rules per
 *       inbound (policies/inspection/rules.ts), and the warnings of its last
 *       built configuration (what a proxyless proxy does not apply)
 *   GET /meshes/{mesh}/{policyPlural}/{name}/_resources/dataplanes
 *       the Dataplanes the policy selects, as Kuma pages them: {total, items, next}
 * Both read the engine's view of the mesh, the same one that builds the
 * configuration, so they say what the proxies are given, not a second opinion.
 * No key material: open to every reader (server/access.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound, type KindRegistry } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { proxyRulesOf } from '../../policies/inspection/index.js';
import type { ProxyContext } from '../../xds/generate/index.js';
import { nextPageUrl, parseListParams } from '../list-query.js';

/** What the engine and the snapshot publisher tell inspection. */
export interface PolicyInspection {
  /** The proxy's generator input now, with its matched policies; undefined when the engine does not know it. */
  contextOf(mesh: string, name: string): ProxyContext | undefined;
  /** The mesh's Dataplane names, sorted. */
  dataplanesOf(mesh: string): readonly string[];
  /** Warnings of the proxy's last published configuration. */
  warningsOf(nodeId: string): readonly string[];
}

type Query = Record<string, string | string[] | undefined>;

export function registerPolicyInspectionRoutes(
  app: FastifyInstance,
  manager: ResourceManager,
  registry: KindRegistry,
  inspection: PolicyInspection,
): void {
  app.get<{ Params: { mesh: string; name: string } }>('/meshes/:mesh/dataplanes/:name/_rules', async (request) => {
    const { mesh, name } = request.params;
    await manager.get({ kind: 'Dataplane', mesh, name });
    const context = inspection.contextOf(mesh, name);
    return {
      mesh,
      name,
      ...(context ? { flavour: context.flavour } : {}),
      policies: context ? proxyRulesOf(context) : [],
      warnings: inspection.warningsOf(`${mesh}.${name}`),
    };
  });

  app.get<{ Params: { mesh: string; plural: string; name: string } }>(
    '/meshes/:mesh/:plural/:name/_resources/dataplanes',
    async (request: FastifyRequest<{ Params: { mesh: string; plural: string; name: string } }>) => {
      const { mesh, plural, name } = request.params;
      const kind = registry.byPath(plural);
      if (kind?.policy === undefined) throw notFound(`policy kind "${plural}"`);
      await manager.get({ kind: kind.name, mesh, name });
      const selected = inspection.dataplanesOf(mesh).filter((dataplane) =>
        inspection
          .contextOf(mesh, dataplane)
          ?.policies?.get(kind.name)
          ?.some((match) => match.policy.name === name),
      );
      const query = request.query as Query;
      const params = parseListParams(query, false);
      const page = selected.slice(params.offset, params.offset + params.size);
      const items = await Promise.all(
        page.map(async (dataplane) => {
          const resource = await manager.get({ kind: 'Dataplane', mesh, name: dataplane }).catch(() => undefined);
          return { kind: 'Dataplane', mesh, name: dataplane, labels: resource?.labels ?? {} };
        }),
      );
      return {
        total: selected.length,
        items,
        next: nextPageUrl(
          `${request.protocol}://${request.host}`,
          request.url.split('?')[0] ?? '',
          query,
          params,
          selected.length,
        ),
      };
    },
  );
}
