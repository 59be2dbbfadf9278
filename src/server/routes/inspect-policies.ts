/**
 * Policy inspection: why a proxy is configured as it is, and whom a policy touches.
 *   GET /meshes/{mesh}/dataplanes/{name}/_rules
 *       per policy kind selecting the proxy: the policies in priority order,
 *       the merged to-rules per destination, from and inbound rules per
 *       inbound (policies/inspection/rules.ts), and the warnings of its last
 *       built configuration (what a proxyless proxy does not apply)
 *   (whom a policy selects, `_resources/dataplanes`: inspect-dataplanes-of.ts)
 * Both read the engine's view of the mesh, the same one that builds the
 * configuration, so they say what the proxies are given, not a second opinion.
 * No key material: open to every reader (server/access.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { KindRegistry } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { proxyRulesOf } from '../../policies/inspection/index.js';
import type { ProxyContext } from '../../xds/generate/index.js';

/** What the engine and the snapshot publisher tell inspection. */
export interface PolicyInspection {
  /** The proxy's generator input now, with its matched policies; undefined when the engine does not know it. */
  contextOf(mesh: string, name: string): ProxyContext | undefined;
  /** The mesh's Dataplane names, sorted. */
  dataplanesOf(mesh: string): readonly string[];
  /** Warnings of the proxy's last published configuration. */
  warningsOf(nodeId: string): readonly string[];
}

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
}
