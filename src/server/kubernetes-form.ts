/**
 * A resource as Kuma's Kubernetes custom resource shows it: `kuma.io/v1alpha1`,
 * metadata with the labels, the spec under `spec`. Mesh-scoped resources live
 * in the control plane's namespace (`kuma-system`) unless a namespace is given.
 */
import type { KindDescriptor, Resource } from '../api/index.js';

const SYSTEM_NAMESPACE = 'kuma-system';

export function kubernetesObjectOf(kind: KindDescriptor, resource: Resource, namespace = ''): Record<string, unknown> {
  const labels = kind.scope === 'Mesh' ? { 'kuma.io/mesh': resource.mesh, ...resource.labels } : resource.labels;
  return {
    apiVersion: 'kuma.io/v1alpha1',
    kind: kind.name,
    // Kuma's older kinds (Dataplane) name their mesh beside the metadata.
    ...(kind.scope === 'Mesh' && kind.shape === 'flat' ? { mesh: resource.mesh } : {}),
    metadata: {
      name: resource.name,
      ...(kind.scope === 'Mesh' ? { namespace: namespace === '' ? SYSTEM_NAMESPACE : namespace } : {}),
      creationTimestamp: resource.creationTime.toISOString(),
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
    },
    spec: resource.spec,
    ...(kind.hasStatus ? { status: resource.status ?? {} } : {}),
  };
}
