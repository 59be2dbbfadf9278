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
    if (!(error instanceof RefusedParameter)) throw error;
    const where = refusedAt(params, '');
    throw new TypeError(
      `edit parameter ${where || '(root)'} is a ${error.what}: parameters are plain data, compared by content`,
      {
        cause: error,
      },
    );
  }
}

/** What the walk met that is not plain data (where, the slow walk of `refusedAt` finds: the key is made on every call, the error rarely). */
class RefusedParameter extends Error {
  constructor(readonly what: string) {
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
    for (let i = 0; i < value.length; i++) key += (i === 0 ? '' : ',') + keyOf(value[i]);
    return key + ']';
  }
  if (value instanceof Uint8Array)
    return `bytes:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}`;
  if (!isPlain(value))
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

const isPlain = (value: object): boolean => {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/** The keys of protobuf messages, by message object. */
const messageKeys = new WeakMap<object, string>();

function recordKey(record: Record<string, unknown>): string {
  const names = Object.keys(record);
  if (names.length > 16) names.sort();
  else sortFew(names);
  let key = '{';
  for (const name of names) {
    const field = record[name];
    if (field === undefined) continue;
    key += (key.length === 1 ? '' : ',') + text(name) + ':' + keyOf(field);
  }
  return key + '}';
}

/** Sorts a short list in place (as `sort()` would), without the set-up cost of `sort()`: most parameter objects have a few keys. */
function sortFew(names: string[]): void {
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!;
    let j = i - 1;
    for (; j >= 0 && names[j]! > name; j--) names[j + 1] = names[j]!;
    names[j + 1] = name;
  }
}

/** Where in `value` the first value that is not plain data sits (`.a[2].b`), or undefined when there is none. */
function refusedAt(value: unknown, at: string): string | undefined {
  if (typeof value === 'function' || typeof value === 'symbol') return at;
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = refusedAt(value[i], `${at}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isPlain(value)) return at;
  for (const [name, field] of Object.entries(value)) {
    const found = refusedAt(field, `${at}.${name}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
