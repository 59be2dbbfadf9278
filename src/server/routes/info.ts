/**
 * Discovery endpoints: `/` (who is this control plane), `/_resources` (every
 * kind, as Kuma's GUI and tools read it), `/config` (the effective
 * configuration) and `/openapi.json`.
 */
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { KindRegistry } from '../../api/index.js';
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
): void {
  const indexBody = {
    hostname: hostname(),
    tagline: index.product,
    product: index.product,
    version: index.version,
    instanceId: index.instanceId,
    clusterId: index.clusterId,
    gui: 'The GUI is not part of this build yet',
  };
  app.get('/', async () => indexBody);

  // In Kuma's order: by name.
  const resources = {
    resources: [...registry.kinds]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((kind) => ({
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
  app.get('/_resources', async () => resources);
  app.get('/config', async () => config);

  // Built on first request: the document is large and most runs never ask for it.
  let openApi: unknown;
  app.get('/openapi.json', async () => (openApi ??= buildOpenApi(registry, index.version)));
}
