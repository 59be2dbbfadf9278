/**
 * What a write does to an accepted spec before it is stored, as Kuma's API
 * does it, so that a read shows what Kuma shows:
 *
 *   - a field whose schema declares a `default` is filled in where the
 *     document leaves it out (inside the objects the document has: a default
 *     never creates its parent);
 *   - a field whose schema is marked `ignored` (primitives.ts, Ignored) is
 *     dropped.
 *
 * Walks objects and arrays only; the inside of a union is kept as written.
 * Pure: the input is not modified.
 */
import type { TSchema } from '@sinclair/typebox';

type Schema = TSchema & {
  readonly type?: unknown;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly items?: Schema;
  readonly default?: unknown;
  readonly ignored?: boolean;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function normalised(schema: TSchema, value: unknown): unknown {
  const s = schema as Schema;
  if (Array.isArray(value))
    return s.type === 'array' && s.items ? value.map((item) => normalised(s.items!, item)) : value;
  if (!isPlainObject(value) || s.type !== 'object' || s.properties === undefined) return value;
  const properties = s.properties;
  const out: Record<string, unknown> = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    const fieldSchema = properties[field];
    if (fieldSchema?.ignored === true) continue;
    out[field] = fieldSchema === undefined ? fieldValue : normalised(fieldSchema, fieldValue);
  }
  for (const [field, fieldSchema] of Object.entries(properties))
    if (!(field in out) && fieldSchema.default !== undefined && fieldSchema.ignored !== true)
      out[field] = structuredClone(fieldSchema.default);
  return out;
}
