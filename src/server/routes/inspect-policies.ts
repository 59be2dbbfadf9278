/**
 * Policy inspection: why a proxy is configured as it is, and whom a policy touches.
 *   GET /meshes/{mesh}/dataplanes/{name}/_rules
 *       Kuma's `{resource, rules, httpMatches}` (policies/inspection/kuma-rules.ts),
 *       what Kuma's tools read
 *   GET /meshes/{mesh}/dataplanes/{name}/_rules?format=koguma
 *       per policy kind selecting the proxy: the policies in priority order,
 *       the merged to-rules per destination, from and inbound rules per
 *       inbound (policies/inspection/rules.ts), and the warnings of its last
 *       built configuration (what a proxyless proxy does not apply)
 *   GET /meshes/{mesh}/meshgateways/{name}/_rules
 *       Kuma's shape again, for a builtin gateway the MeshGateway would serve
 *       (named, labelled and tagged as the MeshGateway's first selector):
 *       the policies that select its gateways and their routes
 *   (whom a policy selects, `_resources/dataplanes`: inspect-dataplanes-of.ts)
 * Both read the engine's view of the mesh, the same one that builds the
 * configuration, so they say what the proxies are given, not a second opinion.
 * No key material: open to every reader (server/access.ts).
 */
import type { FastifyInstance } from 'fastify';
import { invalidInput, type KindRegistry, type Resource } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { kumaRulesOf, proxyRulesOf } from '../../policies/inspection/index.js';
import type { ProxyContext } from '../../xds/generate/index.js';
import { orNotFound } from './kuma-titles.js';
import { meshDestinations } from './mesh-destinations.js';

/** What the engine and the snapshot publisher tell inspection. */
export interface PolicyInspection {
  /** The proxy's generator input now, with its matched policies; undefined when the engine does not know it. */
  contextOf(mesh: string, name: string): ProxyContext | undefined;
  /** The generator input of a builtin gateway the named MeshGateway would serve; undefined when the engine does not know it. */
  gatewayContextOf(mesh: string, name: string): ProxyContext | undefined;
  /** The mesh's Dataplane names, sorted. */
  dataplanesOf(mesh: string): readonly string[];
  /** Warnings of the proxy's last published configuration. */
  warningsOf(nodeId: string): readonly string[];
}

type Query = Record<string, string | string[] | undefined>;

const RULES_FORMATS = ['kuma', 'koguma'];

export function registerPolicyInspectionRoutes(
  app: FastifyInstance,
  manager: ResourceManager,
  registry: KindRegistry,
  inspection: PolicyInspection,
): void {
  const destinationsOf = (mesh: string): Promise<Resource[]> => meshDestinations(manager, registry, mesh);

  app.get<{ Params: { mesh: string; name: string }; Querystring: Query }>(
    '/meshes/:mesh/dataplanes/:name/_rules',
    async (request) => {
      const { mesh, name } = request.params;
      const format = request.query['format'] ?? 'kuma';
      if (typeof format !== 'string' || !RULES_FORMATS.includes(format))
        throw invalidInput([{ field: 'format', reason: `must be one of: ${RULES_FORMATS.join(', ')}` }]);
      const dataplane = await manager.get({ kind: 'Dataplane', mesh, name });
      const context = inspection.contextOf(mesh, name);
      const warnings = inspection.warningsOf(`${mesh}.${name}`);
      if (format === 'kuma') {
        const meshResource = await manager.get({ kind: 'Mesh', mesh: '', name: mesh }).catch(() => undefined);
        if (context === undefined)
          return { httpMatches: [], resource: { labels: dataplane.labels, mesh, name, type: 'Dataplane' }, rules: [] };
        return kumaRulesOf({
          proxy: context,
          resource: dataplane,
          mesh: meshResource,
          destinations: await destinationsOf(mesh),
          warnings,
        });
      }
      return {
        mesh,
        name,
        ...(context ? { flavour: context.flavour } : {}),
        policies: context ? proxyRulesOf(context) : [],
        warnings,
      };
    },
  );

  app.get<{ Params: { mesh: string; name: string } }>('/meshes/:mesh/meshgateways/:name/_rules', async (request) => {
    const { mesh, name } = request.params;
    const meshResource = await orNotFound(
      'Failed to retrieve Mesh',
      manager.get({ kind: 'Mesh', mesh: '', name: mesh }),
    );
    const gateway = await orNotFound(
      'Could not retrieve MeshGateway',
      manager.get({ kind: 'MeshGateway', mesh, name }),
    );
    const context = inspection.gatewayContextOf(mesh, name);
    if (context === undefined)
      return { httpMatches: [], resource: { labels: gateway.labels, mesh, name, type: 'MeshGateway' }, rules: [] };
    return kumaRulesOf({
      proxy: context,
      resource: gateway,
      mesh: meshResource,
      destinations: await destinationsOf(mesh),
      warnings: [],
    });
  });
}
