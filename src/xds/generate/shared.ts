/**
 * Sharing between proxies. Most of a proxy's configuration is about its
 * destinations, and a destination (MeshView hands out one DestinationContext
 * object per service until that service changes) looks the same to every
 * proxy that consumes it. So what depends on the destination alone is built
 * once per destination object, and every message is encoded once per object:
 * a change to one service consumed by a thousand proxies builds and encodes
 * its cluster, endpoints and routes once, not a thousand times.
 *
 * The same holds for a proxy's own inbounds and outbounds: MeshView hands out
 * the same InboundContext and OutboundContext objects until the proxy's
 * Dataplane changes, so a rebuild caused by someone else's change reuses
 * them.
 *
 * Every cache holds its keys weakly: when MeshView drops a destination (its
 * endpoints changed) or no snapshot holds a message any more, the entries go
 * with them. The functions stay pure: a cached value is what a fresh call
 * would return.
 *
 * The rule that makes this safe: a generated message may be shared, so code
 * after the generators (policy plugins) never mutates one in place; it builds
 * a changed copy, which is then encoded as a new object.
 */
import { clone, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { encodeResource, type EncodedResource } from '../snapshot.js';
import type { TypeUrl } from '../resource-types.js';

/** `build` memoized per key object: one result per object, for as long as the object lives (an undefined result too). */
export function onePerObject<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const built = new WeakMap<K, V>();
  return (key) => {
    let value = built.get(key);
    if (value === undefined && !built.has(key)) {
      value = build(key);
      built.set(key, value);
    }
    return value as V;
  };
}

/** `build` memoized per pair of key objects (a proxy's outbound and the destination it names). */
export function onePerObjectPair<A extends object, B extends object, V>(build: (a: A, b: B) => V): (a: A, b: B) => V {
  const built = new WeakMap<A, WeakMap<B, V>>();
  return (a, b) => {
    let byB = built.get(a);
    if (byB === undefined) {
      byB = new WeakMap();
      built.set(a, byB);
    }
    let value = byB.get(b);
    if (value === undefined) {
      value = build(a, b);
      byB.set(b, value);
    }
    return value;
  };
}

const encoded = new WeakMap<object, EncodedResource>();

/** `encodeResource`, once per message object (and name: a message is only ever encoded under its own name). */
export function encodeOnce<D extends DescMessage>(typeUrl: TypeUrl, name: string, message: MessageShape<D>): EncodedResource {
  const known = encoded.get(message);
  if (known !== undefined && known.typeUrl === typeUrl && known.name === name) return known;
  const resource = encodeResource(typeUrl, name, message);
  encoded.set(message, resource);
  return resource;
}

const edits = new WeakMap<object, Map<string, object>>();

/**
 * A copy of a (possibly shared) message with `edit` applied, made once per
 * message object and `key`: proxies that make the same edit (`key` names it,
 * e.g. the resolved policy conf as JSON) to the same shared message share the
 * result, so a mesh-wide policy does not cost a copy per proxy.
 */
export function editedCopy<D extends DescMessage>(schema: D, message: MessageShape<D>, key: string, edit: (copy: MessageShape<D>) => void): MessageShape<D> {
  let byKey = edits.get(message);
  if (byKey === undefined) {
    byKey = new Map();
    edits.set(message, byKey);
  }
  let copy = byKey.get(key) as MessageShape<D> | undefined;
  if (copy === undefined) {
    copy = clone(schema, message);
    edit(copy);
    byKey.set(key, copy);
  }
  return copy;
}
