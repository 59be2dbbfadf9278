/**
 * The status a MeshService is shown with when read (mesh/mesh-service-status.ts):
 * Koguma keeps no status updater writing it back, so the REST layer asks for
 * it per answer. One answer reads each mesh's Dataplanes and the
 * HostnameGenerators once, whatever the number of services on the page;
 * whether a proxy is connected comes from the in-memory insight index.
 * A status stored with the service (one synced from a zone, or imported from
 * a Kuma store) is Kuma's own and stands as stored.
 */
import type { Resource } from '../api/index.js';
import { isOnline, type DataplaneInsightSpec } from '../insights/index.js';
import { meshServiceStatusOf } from '../mesh/index.js';
import { listAll, type ResourceStore } from '../store/index.js';

export interface MeshServiceStatusDeps {
  readonly store: Pick<ResourceStore, 'list'>;
  readonly insights: { insightOf(mesh: string, name: string): { readonly spec: object } | undefined };
  readonly global: boolean;
}

const hasStoredStatus = (status: unknown): boolean =>
  status !== undefined && status !== null && (typeof status !== 'object' || Object.keys(status as object).length > 0);

async function collect(resources: AsyncIterable<Resource>): Promise<Resource[]> {
  const all: Resource[] = [];
  for await (const resource of resources) all.push(resource);
  return all;
}

/** For each service, in order, its status to show; undefined where the stored one stands. */
export function meshServiceStatuses(deps: MeshServiceStatusDeps) {
  return async (services: readonly Resource[]): Promise<(object | undefined)[]> => {
    const computed = services.filter((service) => !hasStoredStatus(service.status));
    if (computed.length === 0) return services.map(() => undefined);
    const meshes = [...new Set(computed.map((service) => service.mesh))];
    const dataplanes = (
      await Promise.all(meshes.map((mesh) => collect(listAll(deps.store, { kind: 'Dataplane', mesh }))))
    ).flat();
    const generators = await collect(listAll(deps.store, { kind: 'HostnameGenerator' }));
    const online = (dataplane: Resource): boolean =>
      isOnline(deps.insights.insightOf(dataplane.mesh, dataplane.name)?.spec as DataplaneInsightSpec | undefined);
    return services.map((service) => {
      if (hasStoredStatus(service.status)) return undefined;
      const { addresses, dataplaneProxies } = meshServiceStatusOf(service, {
        dataplanes,
        online,
        generators,
        global: deps.global,
      });
      // Kuma's field order; its TLS status is the zero one here (no MeshIdentity updater).
      return { ...(addresses === undefined ? {} : { addresses }), tls: {}, dataplaneProxies };
    });
  };
}
