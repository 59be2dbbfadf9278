/**
 * The key of an edit's parameters (shared.ts `defineEdit`): one text for
 * equal parameters, another for different ones, whatever order an object's
 * keys were set in. It is what decides that two proxies may share one edited
 * copy, so it covers everything the parameters hold and refuses what it
 * cannot compare by content.
 *
 * Parameters are plain data: strings, numbers, booleans, bigints, null,
 * arrays, byte arrays and plain objects. A protobuf-es message is a plain
 * object too (`$typeName`, its fields, oneofs as `{ case, value }`), so it is
 * keyed by content, its type included; once per message object, since a
 * message is never changed once made (shared.ts), so a large one shared by
 * many proxies (compiled RBAC) costs its walk once. A property set to
 * `undefined` counts as absent, as in JSON. Anything else (a function, a Map,
 * a class instance) throws: a function could hide per-proxy state from the
 * key, and a Map's order or a class's hidden state would make two different
 * values look alike.
 */

/** A stable text for `params`: equal for equal data, different otherwise. */
export function editParamsKey(params: unknown): string {
  try {
    return keyOf(params);
  } catch (error) {
    if (error instanceof RefusedParameter)
      throw new TypeError(
        `edit parameter ${error.path || '(root)'} is a ${error.what}: parameters are plain data, compared by content`,
        { cause: error },
      );
    throw error;
  }
}

/** Thrown up through the walk, which adds to its path on the way (no path is built unless something is refused). */
class RefusedParameter extends Error {
  constructor(
    readonly what: string,
    public path = '',
  ) {
    super(what);
  }
}

/**
 * A string, prefixed with its length rather than quoted and escaped: no
 * content can then be read as the end of the string (a number or any other
 * value has no `"` in its key). The cheap part of a key that is made for every
 * proxy and resource an edit applies to.
 */
const text = (value: string): string => value.length + '"' + value;

function keyOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return text(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return value === null ? 'null' : objectKey(value);
    default:
      throw new RefusedParameter(typeof value);
  }
}

function objectKey(value: object): string {
  if (Array.isArray(value)) {
    let key = '[';
    for (let i = 0; i < value.length; i++) key += (i === 0 ? '' : ',') + within(value[i], i);
    return key + ']';
  }
  if (value instanceof Uint8Array)
    return `bytes:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}`;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null)
    throw new RefusedParameter((value as { constructor?: { name?: string } }).constructor?.name ?? 'object');
  const record = value as Record<string, unknown>;
  if (typeof record['$typeName'] !== 'string') return recordKey(record);
  let key = messageKeys.get(record);
  if (key === undefined) {
    key = recordKey(record);
    messageKeys.set(record, key);
  }
  return key;
}

/** The keys of protobuf messages, by message object. */
const messageKeys = new WeakMap<object, string>();

function recordKey(record: Record<string, unknown>): string {
  const names = Object.keys(record);
  if (names.length > 1) names.sort();
  let key = '{';
  for (const name of names) {
    const field = record[name];
    if (field === undefined) continue;
    key += (key.length === 1 ? '' : ',') + text(name) + ':' + within(field, name);
  }
  return key + '}';
}

/** `keyOf(value)`, naming where `value` sits (at an index, or under a key) in what it refuses. */
function within(value: unknown, step: number | string): string {
  try {
    return keyOf(value);
  } catch (error) {
    if (error instanceof RefusedParameter)
      error.path = (typeof step === 'number' ? `[${step}]` : `.${step}`) + error.path;
    throw error;
  }
}
