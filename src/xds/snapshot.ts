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
import { schemaOfType, typeUrls, type TypeUrl } from './resource-types.js';

export interface EncodedResource {
  readonly typeUrl: TypeUrl;
  readonly name: string;
  /** Content hash of the encoded bytes: the resource's version in delta xDS. */
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

const hash = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('base64url').slice(0, 22);

/** Encodes one resource message. `name` is the xDS resource name. */
export function encodeResource<D extends DescMessage>(typeUrl: TypeUrl, name: string, message: MessageShape<D>): EncodedResource {
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

/** A snapshot of the given resources; types not given are empty. */
export function buildSnapshot(resources: Iterable<EncodedResource>): Snapshot {
  const byType = new Map<TypeUrl, Map<string, EncodedResource>>(typeUrls.map((t) => [t, new Map()]));
  for (const resource of resources) {
    const ofType = byType.get(resource.typeUrl)!;
    if (ofType.has(resource.name)) throw new Error(`snapshot: two ${resource.typeUrl} resources named "${resource.name}"`);
    ofType.set(resource.name, resource);
  }
  const versions = new Map<TypeUrl, string>();
  for (const [typeUrl, ofType] of byType) {
    const names = [...ofType.keys()].sort();
    versions.set(typeUrl, hash(names.map((n) => `${n}\u0000${ofType.get(n)!.version}`).join('\u0001')));
  }
  return { resources: byType, versions };
}
