/**
 * Discovery endpoints: `/` (who is this control plane, and which Kuma it
 * follows), `/_resources` and `/policies` (every kind, every policy kind, as
 * Kuma's GUI and tools read them), `/who-am-i` (the caller, as access control
 * sees it), `/config` (the effective configuration) and `/openapi.json`.
 * `/`'s `gui` field says where the GUI is when it is built (routes/gui.ts).
 */
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { basedOnKuma, type KindRegistry } from '../../api/index.js';
import { callerOf, type ApiAccess } from '../access.js';
import { buildOpenApi } from '../openapi.js';

export interface IndexInfo {
  readonly product: string;
  readonly version: string;
  readonly instanceId: string;
  readonly clusterId: string;
}

export function registerInfoRoutes(
  app: FastifyInstance,
  registry: KindRegistry,
  index: IndexInfo,
  config: Record<string, unknown>,
  access: ApiAccess,
  gui: { built(): boolean },
): void {
  const indexBody = {
    hostname: hostname(),
    tagline: index.product,
    product: index.product,
    version: index.version,
    basedOnKuma,
    instanceId: index.instanceId,
    clusterId: index.clusterId,
  };
  app.get('/', async () => ({
    ...indexBody,
    gui: gui.built() ? 'The gui is available at /gui' : 'The GUI is not built: build it with `npm run build`',
  }));

  // Kuma lists kinds by name, in byte order (MeshHTTPRoute before MeshHealthCheck).
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const resources = {
    resources: [...registry.kinds].sort(byName).map((kind) => ({
      name: kind.name,
      path: kind.plural,
      singularDisplayName: kind.singularDisplayName,
      pluralDisplayName: kind.pluralDisplayName,
      scope: kind.scope,
      readOnly: kind.readOnly ?? false,
      includeInFederation: kind.includeInFederation ?? true,
      shortName: kind.shortName,
      ...(kind.policy
        ? {
            policy: {
              isTargetRef: true,
              hasToTargetRef: kind.policy.hasToTargetRef,
              hasFromTargetRef: kind.policy.hasFromTargetRef,
              hasRulesTargetRef: kind.policy.hasRulesTargetRef,
              isFromAsRules: kind.policy.isFromAsRules,
            },
          }
        : {}),
    })),
  };
  const policies = {
    policies: registry.kinds
      .flatMap((kind) => (kind.policy ? [{ ...kind, policy: kind.policy }] : []))
      .map((kind) => ({
        name: kind.name,
        readOnly: kind.readOnly ?? false,
        path: kind.plural,
        singularDisplayName: kind.singularDisplayName,
        pluralDisplayName: kind.pluralDisplayName,
        isExperimental: false,
        isTargetRefBased: true,
        isInbound: kind.policy.isInbound,
        isOutbound: kind.policy.isOutbound,
      }))
      .sort(byName),
  };
  app.get('/policies', async () => policies);
  app.get('/who-am-i', (request) => callerOf(request, access));
  app.get('/_resources', async () => resources);
  app.get('/config', async () => config);

  // Built on first request: the document is large and most runs never ask for it.
  let openApi: unknown;
  app.get('/openapi.json', async () => (openApi ??= buildOpenApi(registry, index.version)));
}
