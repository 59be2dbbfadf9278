/**
 * Snapshots: the complete set of resources one proxy should have, each
 * resource encoded once into an `Any` and named by a content hash. Resources
 * equal in content are the same object, shared by every snapshot that holds
 * them, so a cluster used by a thousand proxies is encoded once and its bytes
 * written to every stream as they are.
 */
import { createHash } from 'node:crypto';
import { toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import { create } from '@bufbuild/protobuf';
import { AnySchema } from '@bufbuild/protobuf/wkt';
import { schemaOfType, TypeUrl, typeUrls } from './resource-types.js';

export interface EncodedResource {
  readonly typeUrl: TypeUrl;
  readonly name: string;
  /** Content hash of the encoded bytes (for an endpoint set, bound to its cluster's too: buildSnapshot): the resource's version in delta xDS. */
  readonly version: string;
  /** The message packed once; streams send this object as is. */
  readonly any: Any;
  /** The message itself, for inspection (`_config`). */
  readonly message: MessageShape<DescMessage>;
}

export interface Snapshot {
  /** Per type, resources by name. Every type is present, possibly empty. */
  readonly resources: ReadonlyMap<TypeUrl, ReadonlyMap<string, EncodedResource>>;
  /** Per type, a hash of the names and versions: the SotW version_info. */
  readonly versions: ReadonlyMap<TypeUrl, string>;
}

const hash = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('base64url').slice(0, 22);

/** Encodes one resource message. `name` is the xDS resource name. */
export function encodeResource<D extends DescMessage>(
  typeUrl: TypeUrl,
  name: string,
  message: MessageShape<D>,
): EncodedResource {
  const schema = schemaOfType[typeUrl] as D;
  const value = toBinary(schema, message);
  return {
    typeUrl,
    name,
    version: hash(value),
    any: create(AnySchema, { typeUrl, value }),
    message: message as MessageShape<DescMessage>,
  };
}

/** The last version of each endpoint set bound to a cluster's version: shared like the resources themselves. */
const boundEndpoints = new WeakMap<
  EncodedResource,
  { readonly clusterVersion: string; readonly bound: EncodedResource }
>();

/**
 * The endpoint set with a version that also covers its cluster's. Envoy
 * re-creates a cluster it is sent again and keeps the new one warming until
 * the cluster's endpoints arrive; neither SotW nor delta resends an
 * unchanged endpoint set, so Envoy would wait out its initial fetch timeout
 * (15 s) before a changed cluster (a circuit breaker, a health check, a load
 * balancer) took effect. Binding the versions resends the endpoints with it.
 */
function boundToCluster(endpoints: EncodedResource, cluster: EncodedResource): EncodedResource {
  const last = boundEndpoints.get(endpoints);
  if (last?.clusterVersion === cluster.version) return last.bound;
  const bound = { ...endpoints, version: hash(`${endpoints.version}\u0000${cluster.version}`) };
  boundEndpoints.set(endpoints, { clusterVersion: cluster.version, bound });
  return bound;
}

/** A snapshot of the given resources; types not given are empty. */
export function buildSnapshot(resources: Iterable<EncodedResource>): Snapshot {
  const byType = new Map<TypeUrl, Map<string, EncodedResource>>(typeUrls.map((t) => [t, new Map()]));
  for (const resource of resources) {
    const ofType = byType.get(resource.typeUrl)!;
    if (ofType.has(resource.name))
      throw new Error(`snapshot: two ${resource.typeUrl} resources named "${resource.name}"`);
    ofType.set(resource.name, resource);
  }
  const clusters = byType.get(TypeUrl.Cluster)!;
  const endpointSets = byType.get(TypeUrl.ClusterLoadAssignment)!;
  for (const [name, endpoints] of endpointSets) {
    const cluster = clusters.get(name);
    if (cluster !== undefined) endpointSets.set(name, boundToCluster(endpoints, cluster));
  }
  const versions = new Map<TypeUrl, string>();
  for (const [typeUrl, ofType] of byType) {
    const names = [...ofType.keys()].sort();
    versions.set(typeUrl, hash(names.map((n) => `${n}\u0000${ofType.get(n)!.version}`).join('\u0001')));
  }
  return { resources: byType, versions };
}
