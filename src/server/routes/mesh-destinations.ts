/** The resources a mesh's proxies send to, as inspection names outbounds: MeshServices and their multi-zone and external kin. */
import type { KindRegistry, Resource } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { listAll } from '../../store/index.js';

const DESTINATION_KINDS = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService'];

/** Every destination resource of the mesh, of the kinds this control plane serves. */
export async function meshDestinations(
  manager: ResourceManager,
  registry: KindRegistry,
  mesh: string,
): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const kind of DESTINATION_KINDS.filter((k) => registry.byType(k) !== undefined))
    for await (const resource of listAll(manager, { kind, mesh })) resources.push(resource);
  return resources;
}
