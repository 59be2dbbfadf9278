/**
 * The Envoy side of a modification: a `value` (an Envoy message in YAML or
 * JSON, typed configs by their `@type`) read into a protobuf-es message, and
 * a message patched by a `value` or by `jsonPatches`.
 *
 *   message ─toJson─► JSON ─merge value | apply jsonPatches─► JSON ─fromJson─► new message
 *
 * Working on the JSON form keeps the given message untouched (it may be
 * shared between proxies) and lets a patch reach inside typed configs, which
 * the registry of every generated Envoy type expands. Names in values and
 * JSON pointers are protobuf JSON names (`connectTimeout`); values may also
 * use the proto names (`connect_timeout`), which `fromJson` accepts.
 */
import { fromJson, toJson, type DescMessage, type JsonValue, type MessageShape } from '@bufbuild/protobuf';
import { readYaml, INPUT_LIMITS } from '../../api/index.js';
import { envoyRegistry } from '../../xds/validate/index.js';
import { applyJsonPatches, type JsonPatchOperation } from './json-patch.js';

/** A value or patch that does not fit the Envoy type it is for; the message says why. */
export class ModificationError extends Error {}

const asError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The message `text` (YAML, so JSON too) describes; throws ModificationError
 * if it is not a valid `schema` in protobuf JSON. The text is read within the
 * limits of embedded documents (api/input-limits.ts): a deeply nested value is
 * refused before the YAML composer or protobuf's JSON reader recurse into it.
 */
export function parseEnvoyValue<D extends DescMessage>(schema: D, text: string): MessageShape<D> {
  const read = readYaml(text, 'value', { maxBytes: INPUT_LIMITS.maxEmbeddedDocumentBytes });
  if (!read.ok) throw new ModificationError(`value ${read.issue.reason}`);
  if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value))
    throw new ModificationError('value must be an Envoy resource written as a YAML object');
  return envoyFromJson(schema, read.value, 'value');
}

function envoyFromJson<D extends DescMessage>(schema: D, json: unknown, what: string): MessageShape<D> {
  try {
    return fromJson(schema, json as JsonValue, { registry: envoyRegistry });
  } catch (error) {
    throw new ModificationError(`${what} is not a valid ${schema.typeName}: ${asError(error)}`);
  }
}

const envoyToJson = <D extends DescMessage>(schema: D, message: MessageShape<D>): JsonValue =>
  toJson(schema, message, { registry: envoyRegistry });

const isObject = (value: JsonValue | undefined): value is { [key: string]: JsonValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Protobuf's merge, on the JSON form: messages merge field by field, repeated
 * fields are appended to, anything else set in `patch` replaces; a typed
 * config of another `@type` replaces the one there rather than mixing two types.
 */
export function mergeEnvoyJson(target: JsonValue, patch: JsonValue): JsonValue {
  if (Array.isArray(target) && Array.isArray(patch)) return [...target, ...patch];
  if (!isObject(target) || !isObject(patch)) return patch;
  if (patch['@type'] !== undefined && patch['@type'] !== target['@type']) return patch;
  const merged = { ...target };
  for (const [key, value] of Object.entries(patch))
    merged[key] = key in merged ? mergeEnvoyJson(merged[key] as JsonValue, value) : value;
  return merged;
}

export type EnvoyPatch = { readonly value: string } | { readonly jsonPatches: readonly JsonPatchOperation[] };

/*
 * Sharing between proxies (xds/generate/shared.ts): a modification is an object
 * of a stored policy, the same until the policy changes, and a generated
 * message is shared by the proxies that have it. So the value a modification
 * adds is read once, and the patch of one message by one modification is made
 * once, whichever proxy asks: proxies patched alike share the result (and its
 * encoding). Both caches are weak, and go with the policy or the message.
 */
const values = new WeakMap<object, unknown>();
const patches = new WeakMap<object, WeakMap<object, unknown>>();

/** `parseEnvoyValue`, once per modification object. */
export function valueOf<D extends DescMessage>(schema: D, modification: object, text: string): MessageShape<D> {
  let value = values.get(modification) as MessageShape<D> | undefined;
  if (value === undefined) {
    value = parseEnvoyValue(schema, text);
    values.set(modification, value);
  }
  return value;
}

/** `patchEnvoyMessage`, once per message object and modification object. */
export function patchedOnce<D extends DescMessage>(
  schema: D,
  message: MessageShape<D>,
  modification: object,
  patch: EnvoyPatch,
): MessageShape<D> {
  let byModification = patches.get(message);
  if (byModification === undefined) {
    byModification = new WeakMap();
    patches.set(message, byModification);
  }
  let result = byModification.get(modification) as MessageShape<D> | undefined;
  if (result === undefined) {
    result = patchEnvoyMessage(schema, message, patch);
    byModification.set(modification, result);
  }
  return result;
}

/** A new message: `message` with `patch` applied. Throws ModificationError when the patch does not apply or the result is not a `schema`. */
export function patchEnvoyMessage<D extends DescMessage>(
  schema: D,
  message: MessageShape<D>,
  patch: EnvoyPatch,
): MessageShape<D> {
  const current = envoyToJson(schema, message);
  if ('value' in patch) {
    // Through the message and back, so the value is in the same (JSON name, canonical) form as `current`.
    const value = envoyToJson(schema, parseEnvoyValue(schema, patch.value));
    return envoyFromJson(schema, mergeEnvoyJson(current, value), 'the patched resource');
  }
  let patched: JsonValue;
  try {
    patched = applyJsonPatches(current, patch.jsonPatches);
  } catch (error) {
    throw new ModificationError(asError(error));
  }
  return envoyFromJson(schema, patched, 'the patched resource');
}
