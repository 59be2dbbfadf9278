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
 * a changed copy (`defineEdit`), which is then encoded as a new object.
 */
import { clone, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { encodeResource, type EncodedResource, type TypeUrl } from '../index.js';
import { editParamsKey } from './edit-params.js';

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
export function encodeOnce<D extends DescMessage>(
  typeUrl: TypeUrl,
  name: string,
  message: MessageShape<D>,
): EncodedResource {
  const known = encoded.get(message);
  if (known !== undefined && known.typeUrl === typeUrl && known.name === name) return known;
  const resource = encodeResource(typeUrl, name, message);
  encoded.set(message, resource);
  return resource;
}

const editLabels = new Set<string>();

/** A shared edited copy: `message` with an edit applied, the same object for equal parameters. */
export interface Edit<D extends DescMessage, P extends object> {
  (message: MessageShape<D>, params: P): MessageShape<D>;
  /**
   * The edit with its parameters given once, for applying it to many
   * messages: their key is made once. The parameters must not change after.
   */
  for(params: P): (message: MessageShape<D>) => MessageShape<D>;
}

/**
 * Declares an edit of (possibly shared) messages, once, at module scope:
 *
 *   const withConnectTimeout = defineEdit('MeshTimeout connect', ClusterSchema, (copy, { ms }: { ms: number }) => ...);
 *   withConnectTimeout(cluster, { ms: 500 })
 *
 * A call returns a copy of the message with `edit` applied, made once per
 * message object, edit and parameters (by content: edit-params.ts): proxies
 * that make the same edit to the same shared message share the result, so a
 * mesh-wide policy does not cost a copy (and an encoding) per proxy.
 *
 * The key is the edit (each has a cache of its own) and its parameters,
 * nothing else, so whatever decides the result must be in the parameters:
 * `edit` sees the copy and the parameters only. A label may be declared once; declaring one again throws,
 * which keeps an edit from being declared per proxy around a captured value
 * the key would not see.
 */
export function defineEdit<D extends DescMessage, P extends object>(
  label: string,
  schema: D,
  edit: (copy: MessageShape<D>, params: P) => void,
): Edit<D, P> {
  if (editLabels.has(label))
    throw new Error(
      `edit "${label}" is declared twice: declare an edit once, at module scope, and pass what varies as parameters`,
    );
  editLabels.add(label);
  // One cache per edit: the edit's identity is part of every key without being spelled in it.
  const copies = new WeakMap<MessageShape<D>, Map<string, MessageShape<D>>>();
  const copyOf = (message: MessageShape<D>, params: P, key: string): MessageShape<D> => {
    let byKey = copies.get(message);
    if (byKey === undefined) {
      byKey = new Map();
      copies.set(message, byKey);
    }
    let copy = byKey.get(key);
    if (copy === undefined) {
      copy = clone(schema, message);
      edit(copy, params);
      byKey.set(key, copy);
    }
    return copy;
  };
  const apply = (message: MessageShape<D>, params: P): MessageShape<D> =>
    copyOf(message, params, editParamsKey(params));
  return Object.assign(apply, {
    for(params: P) {
      const key = editParamsKey(params);
      return (message: MessageShape<D>) => copyOf(message, params, key);
    },
  });
}
