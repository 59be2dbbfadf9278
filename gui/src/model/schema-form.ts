/**
 * Forms from JSON Schema, as pure functions: what kind of field a schema
 * asks for, a new value that satisfies its required parts, reading and
 * writing a document at a path, and the API's field names (`spec.to[0].x`
 * or `/spec/to/0/x`) as the same path strings the form uses.
 */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly $ref?: string;
}

export type FieldShape =
  | { readonly shape: 'enum'; readonly options: readonly string[] }
  | { readonly shape: 'string' }
  | { readonly shape: 'number'; readonly integer: boolean }
  | { readonly shape: 'boolean' }
  | { readonly shape: 'object'; readonly properties: Readonly<Record<string, JsonSchema>> }
  | { readonly shape: 'map'; readonly values: JsonSchema }
  | { readonly shape: 'array'; readonly items: JsonSchema }
  | { readonly shape: 'union'; readonly variants: readonly JsonSchema[] }
  | { readonly shape: 'any' };

/** Top-level fields the server sets: never edited. */
export const SERVER_SET_FIELDS: readonly string[] = ['creationTime', 'modificationTime', 'kri'];

/** `schema` with a local `$ref` (`#/components/schemas/X`) followed through `root`. */
export function resolveRef(schema: JsonSchema, root: Readonly<Record<string, JsonSchema>>): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref !== undefined && hops < 16; hops++) {
    const name = current.$ref.split('/').at(-1) ?? '';
    const target = root[name];
    if (target === undefined) return {};
    current = target;
  }
  return current;
}

const typeOf = (schema: JsonSchema): string | undefined =>
  Array.isArray(schema.type)
    ? (schema.type as string[]).find((t) => t !== 'null')
    : (schema.type as string | undefined);

/** The field a schema asks for. */
export function shapeOf(schema: JsonSchema): FieldShape {
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants !== undefined) {
    if (variants.length > 0 && variants.every((v) => typeof v.const === 'string'))
      return { shape: 'enum', options: variants.map((v) => v.const as string) };
    return { shape: 'union', variants };
  }
  if (schema.enum !== undefined) return { shape: 'enum', options: schema.enum.map(String) };
  if (typeof schema.const === 'string') return { shape: 'enum', options: [schema.const] };
  switch (typeOf(schema)) {
    case 'string':
      return { shape: 'string' };
    case 'integer':
      return { shape: 'number', integer: true };
    case 'number':
      return { shape: 'number', integer: false };
    case 'boolean':
      return { shape: 'boolean' };
    case 'array':
      return { shape: 'array', items: schema.items ?? {} };
    case 'object': {
      const values = mapValues(schema);
      if (values !== undefined) return { shape: 'map', values };
      if (schema.properties !== undefined) return { shape: 'object', properties: schema.properties };
      return { shape: 'any' };
    }
    default:
      return { shape: 'any' };
  }
}

/** The values' schema of an object used as a map of strings, if it is one. */
function mapValues(schema: JsonSchema): JsonSchema | undefined {
  const patterns = Object.values(schema.patternProperties ?? {});
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const values = extra ?? (patterns.length === 1 ? patterns[0] : undefined);
  return values !== undefined && typeOf(values) === 'string' ? values : undefined;
}

/** The variant of a union that `value` looks like (by JSON type), or the first. */
export function variantFor(variants: readonly JsonSchema[], value: unknown): number {
  const found = variants.findIndex((v) => fits(v, value));
  return found < 0 ? 0 : found;
}

function fits(schema: JsonSchema, value: unknown): boolean {
  if (value === undefined) return false;
  const shape = shapeOf(schema);
  switch (shape.shape) {
    case 'enum':
      return typeof value === 'string' && shape.options.includes(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

/** A new value for `schema`: its required parts filled, the rest left out. */
export function initialValue(schema: JsonSchema, depth = 0): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  const shape = shapeOf(schema);
  if (depth > 8) return undefined;
  switch (shape.shape) {
    case 'enum':
      return shape.options.length === 1 ? shape.options[0] : '';
    case 'string':
      return '';
    case 'number':
      return undefined;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'map':
      return Object.fromEntries((schema.required ?? []).map((key) => [key, '']));
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const key of schema.required ?? []) {
        const property = shape.properties[key];
        if (property !== undefined) value[key] = initialValue(property, depth + 1);
      }
      return value;
    }
    case 'union':
      return shape.variants[0] === undefined ? undefined : initialValue(shape.variants[0], depth + 1);
    case 'any':
      return {};
  }
}

export type Path = readonly (string | number)[];

/** `spec.to[0].default`: the path as the API names fields. */
export function pathString(path: Path): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`),
    '',
  );
}

/** The API's field name as a path string: JSON pointers become dotted paths. */
export function normalizeField(field: string): string {
  if (!field.startsWith('/')) return field.replace(/^\$\.?/, '');
  const parts = field
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  return pathString(parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part)));
}

/** An id for the input at `path`, safe in HTML and CSS. */
export const fieldId = (path: Path): string => fieldIdOf(pathString(path));

/** The input id for a path string as the API names it. */
export const fieldIdOf = (field: string): string => `field-${field.replace(/[^A-Za-z0-9_-]+/g, '-') || 'root'}`;

export function getIn(value: unknown, path: Path): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** `document` with `value` at `path` (copies along the way); undefined removes an object key. */
export function setIn(document: unknown, path: Path, value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (typeof head === 'number') {
    const array = Array.isArray(document) ? [...(document as unknown[])] : [];
    array[head] = setIn(array[head], rest, value);
    return array;
  }
  const object =
    typeof document === 'object' && document !== null && !Array.isArray(document)
      ? { ...(document as Record<string, unknown>) }
      : {};
  const next = setIn(object[head], rest, value);
  if (next === undefined) delete object[head];
  else object[head] = next;
  return object;
}

/** `document` without the array element at `path`. */
export function removeAt(document: unknown, path: Path): unknown {
  const index = path.at(-1);
  const parent = path.slice(0, -1);
  const array = getIn(document, parent);
  if (typeof index !== 'number' || !Array.isArray(array)) return document;
  return setIn(
    document,
    parent,
    array.filter((_, i) => i !== index),
  );
}

/** A resource as read, ready to edit: without what the server sets. */
export function editable(resource: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(resource).filter(([key]) => !SERVER_SET_FIELDS.includes(key)));
}
