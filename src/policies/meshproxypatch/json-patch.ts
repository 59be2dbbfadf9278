/**
 * RFC 6902 JSON Patch, the operations MeshProxyPatch's schema admits (add,
 * remove, replace, move, copy; no `test`), applied to a plain JSON value.
 * No npm library for it is installed, and the subset is small enough to own.
 *
 * Pure: the document given is never changed; every step copies the
 * containers on the path it edits. A patch that cannot apply (a missing
 * parent, an index out of range) throws JsonPatchError naming the operation,
 * so the caller can refuse the whole patch, as RFC 6902 §5 asks.
 */
import type { JsonValue } from '@bufbuild/protobuf';

/** One operation; the schema's JsonPatchBlock is this shape, validated. */
export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy';
  readonly path: string;
  readonly value?: unknown;
  readonly from?: string;
}

export class JsonPatchError extends Error {}

/** RFC 6901: `/a/b~1c/0` → ['a', 'b/c', '0']; `''` is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`${pointer} is not a JSON pointer`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

type Container = JsonValue[] | { [key: string]: JsonValue };

const isContainer = (value: JsonValue | undefined): value is Container => typeof value === 'object' && value !== null;

/** The array index a token names: digits only (RFC 6901 §4), or `-` (one past the end) where allowed. */
function arrayIndex(token: string, length: number, pastEnd: boolean): number {
  if (token === '-' && pastEnd) return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new JsonPatchError(`${token} is not an array index`);
  const index = Number(token);
  if (index > length || (index === length && !pastEnd)) throw new JsonPatchError(`index ${index} is out of range`);
  return index;
}

function valueAt(document: JsonValue, tokens: readonly string[]): JsonValue {
  let current: JsonValue = document;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[arrayIndex(token, current.length, false)] as JsonValue;
    else if (isContainer(current) && Object.hasOwn(current, token)) current = current[token] as JsonValue;
    else throw new JsonPatchError(`nothing at /${tokens.join('/')}`);
  }
  return current;
}

/** A copy of `document` with the container at the parent of `tokens` replaced by `edit(copy of it, last token)`. */
function editParent(
  document: JsonValue,
  tokens: readonly string[],
  edit: (parent: Container, last: string) => void,
): JsonValue {
  const [head, ...rest] = tokens;
  if (head === undefined) throw new JsonPatchError('the whole document cannot be edited in place');
  if (!isContainer(document)) throw new JsonPatchError(`/${head} has no parent object or array`);
  const copy: Container = Array.isArray(document) ? [...document] : { ...document };
  if (rest.length === 0) {
    edit(copy, head);
    return copy;
  }
  const child = Array.isArray(copy)
    ? copy[arrayIndex(head, copy.length, false)]
    : Object.hasOwn(copy, head)
      ? copy[head]
      : undefined;
  if (child === undefined) throw new JsonPatchError(`nothing at ${head}`);
  const edited = editParent(child, rest, edit);
  if (Array.isArray(copy)) copy[Number(head)] = edited;
  else copy[head] = edited;
  return copy;
}

function add(document: JsonValue, tokens: readonly string[], value: JsonValue): JsonValue {
  if (tokens.length === 0) return value;
  return editParent(document, tokens, (parent, last) => {
    if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true), 0, value);
    else parent[last] = value;
  });
}

function remove(document: JsonValue, tokens: readonly string[]): JsonValue {
  valueAt(document, tokens);
  return editParent(document, tokens, (parent, last) => {
    if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, false), 1);
    else delete parent[last];
  });
}

function applyOne(document: JsonValue, patch: JsonPatchOperation): JsonValue {
  const path = parsePointer(patch.path);
  const value = patch.value as JsonValue | undefined;
  switch (patch.op) {
    case 'add':
      if (value === undefined) throw new JsonPatchError('add needs a value');
      return add(document, path, value);
    case 'remove':
      return remove(document, path);
    case 'replace':
      if (value === undefined) throw new JsonPatchError('replace needs a value');
      return add(remove(document, path), path, value);
    case 'copy':
    case 'move': {
      if (patch.from === undefined) throw new JsonPatchError(`${patch.op} needs from`);
      const from = parsePointer(patch.from);
      const moved = valueAt(document, from);
      if (patch.op === 'copy') return add(document, path, moved);
      if (patch.path.startsWith(`${patch.from}/`)) throw new JsonPatchError('cannot move a value into itself');
      return add(remove(document, from), path, moved);
    }
  }
}

/** `document` with every patch applied in order; throws JsonPatchError (with the failing patch's index) if one cannot apply. */
export function applyJsonPatches(document: JsonValue, patches: readonly JsonPatchOperation[]): JsonValue {
  return patches.reduce((current, patch, i) => {
    try {
      return applyOne(current, patch);
    } catch (error) {
      if (error instanceof JsonPatchError)
        throw new JsonPatchError(`jsonPatches[${i}] (${patch.op} ${patch.path}): ${error.message}`);
      throw error;
    }
  }, document);
}
