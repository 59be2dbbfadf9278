/**
 * GET /meshes/{mesh}/{meshservices|meshexternalservices|meshmultizoneservices}/{name}/_hostnames
 *
 * The hostnames the HostnameGenerators give a service, each with the zones it
 * was generated for (mesh/hostnames.ts), in Kuma's shape:
 *   {items: [{hostname, zones: [{name}]}], total}   (items null when there are none)
 * Computed on request from the stored resources: generators are few, and a
 * service has one hostname per generator at most.
 */
import type { FastifyInstance } from 'fastify';
import { KogumaError, type KindRegistry, type Resource } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { serviceHostnames } from '../../mesh/index.js';
import { MAX_PAGE_SIZE } from '../list-query.js';
import { invalidWithTitle, orNotFound } from './kuma-titles.js';

const SERVICE_KINDS: Readonly<Record<string, string>> = {
  meshservices: 'MeshService',
  meshexternalservices: 'MeshExternalService',
  meshmultizoneservices: 'MeshMultiZoneService',
};
const GENERATOR_KIND = 'HostnameGenerator';

/** Every HostnameGenerator, page by page; none while the kind is not served. */
async function generators(manager: ResourceManager, registry: KindRegistry): Promise<Resource[]> {
  if (registry.byType(GENERATOR_KIND) === undefined) return [];
  const all: Resource[] = [];
  for (let offset = 0; ; offset += MAX_PAGE_SIZE) {
    const listed = await manager.list({ kind: GENERATOR_KIND, offset, limit: MAX_PAGE_SIZE });
    all.push(...listed.items);
    if (listed.items.length < MAX_PAGE_SIZE || all.length >= listed.total) return all;
  }
}

export function registerHostnameRoutes(app: FastifyInstance, manager: ResourceManager, registry: KindRegistry): void {
  app.get<{ Params: { mesh: string; serviceType: string; name: string } }>(
    '/meshes/:mesh/:serviceType/:name/_hostnames',
    async (request) => {
      const { mesh, serviceType, name } = request.params;
      const kind = SERVICE_KINDS[serviceType];
      if (kind === undefined)
        throw invalidWithTitle(`only "${Object.keys(SERVICE_KINDS).join(',')}" are available for inspection`);
      const lookup =
        registry.byType(kind) === undefined
          ? Promise.reject(new KogumaError('NotFound', `${kind} is not served`))
          : manager.get({ kind, mesh, name });
      const service = await orNotFound('could not retrieve service', lookup);
      // A zone matches selectors with the service's own origin; a global control plane, which holds services synced from
      // zones and its own, with either.
      const answer = serviceHostnames(service, await generators(manager, registry), {
        global: manager.mode === 'global',
      });
      if ('error' in answer) throw invalidWithTitle('could not generate hostname', answer.error);
      return { items: answer.hostnames.length === 0 ? null : answer.hostnames, total: answer.hostnames.length };
    },
  );
}
