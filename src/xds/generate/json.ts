/**
 * Generated resources as protobuf-es JSON, for people: golden files, YAML
 * bootstraps and `_config` inspection. Each `Any` is expanded through the
 * registry of generated types, and its `@type` moved first, where a reader
 * looks for it (protobuf-es writes it last).
 */
import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { AnySchema } from '@bufbuild/protobuf/wkt';
import type { EncodedResource } from '../index.js';
import { envoyRegistry } from '../validate/index.js';

/**
 * Resolves every type a generated resource holds, typed configs included:
 * every generated Envoy type, so a new filter a plugin packs needs no list
 * kept in step.
 */
export const generatedTypesRegistry = envoyRegistry;

/** The same JSON with every `@type` key first in its object. */
export function typeFirst(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(typeFirst);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([key, inner]) => [key, typeFirst(inner)] as const);
  return Object.fromEntries([
    ...entries.filter(([key]) => key === '@type'),
    ...entries.filter(([key]) => key !== '@type'),
  ]);
}

/** One encoded resource as JSON: its `Any`, decoded back from the bytes a proxy receives. */
export const resourceJson = (resource: EncodedResource): JsonValue =>
  typeFirst(toJson(AnySchema, resource.any, { registry: generatedTypesRegistry }));
