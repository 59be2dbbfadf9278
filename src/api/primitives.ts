/**
 * Schema building blocks shared by every resource kind. Each carries an
 * `errorMessage` so a rejected value is explained in words a user recognises
 * ("must be a duration like 15s") rather than as a regular expression.
 */
import {
  FormatRegistry,
  Type,
  type SchemaOptions,
  type TInteger,
  type TLiteral,
  type TSchema,
  type TString,
  type TUnion,
} from '@sinclair/typebox';
import { DURATION_FORMAT, DURATION_FORMAT_REASON, DURATION_PATTERN, LONG_DURATION_PATTERN } from './duration.js';

export { DURATION_PATTERN, LONG_DURATION_PATTERN } from './duration.js';

/** Envoy's limit on a header value (HeaderValue.value, max_bytes). */
export const MAX_HEADER_VALUE_BYTES = 16_384;
const HEADER_VALUE_FORMAT = 'koguma-header-value';
FormatRegistry.Set(HEADER_VALUE_FORMAT, (value) => Buffer.byteLength(value, 'utf8') <= MAX_HEADER_VALUE_BYTES);

/** Reasons for values a schema `format` refuses, by format name (validate.ts words errors with them). */
export const FORMAT_REASONS: Readonly<Record<string, string>> = {
  [DURATION_FORMAT]: DURATION_FORMAT_REASON,
  [HEADER_VALUE_FORMAT]: `must be at most ${MAX_HEADER_VALUE_BYTES} bytes (Envoy's limit for a header value)`,
};

/** Durations at most Go's longest, so every one fits the protobuf Duration the engine writes. */
export const Duration = (options: SchemaOptions = {}): TString =>
  Type.String({
    pattern: DURATION_PATTERN,
    format: DURATION_FORMAT,
    errorMessage: 'must be a duration like 15s',
    ...options,
  });

export const LongDuration = (options: SchemaOptions = {}): TString =>
  Type.String({
    pattern: LONG_DURATION_PATTERN,
    format: DURATION_FORMAT,
    errorMessage: 'must be a duration like 1d or 24h',
    ...options,
  });

export const Port = (options: SchemaOptions = {}) =>
  Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'must be a port between 1 and 65535', ...options });

/**
 * Integers as Envoy stores them. A JSON number such as 4294967296 or 1e308 is
 * an "integer" to JSON Schema, but not to the protobuf field it ends up in:
 * the engine could not encode the proxy's config and kept serving the old one.
 */
export const UINT32_MAX = 4_294_967_295;
export const INT32_MAX = 2_147_483_647;

const boundedInteger = (maximum: number, options: SchemaOptions & { minimum?: number }): TInteger => {
  const minimum = options.minimum ?? 0;
  return Type.Integer({
    errorMessage: `must be an integer from ${minimum} to ${maximum}`,
    ...options,
    minimum,
    maximum,
  });
};

/** An integer Envoy keeps as uint32 (weights, counts, retries); `minimum` defaults to 0. */
export const Uint32 = (options: SchemaOptions & { minimum?: number } = {}): TInteger =>
  boundedInteger(UINT32_MAX, options);

/** An integer Envoy keeps as int32; `minimum` defaults to 0. */
export const Int32 = (options: SchemaOptions & { minimum?: number } = {}): TInteger =>
  boundedInteger(INT32_MAX, options);

/** An integer Envoy keeps as int64, bounded where JSON numbers stay exact (2^53 - 1). */
export const Int64 = (options: SchemaOptions & { minimum?: number } = {}): TInteger =>
  boundedInteger(Number.MAX_SAFE_INTEGER, options);

/** A closed set of strings; errors list the allowed values. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnion<TLiteral<T[number]>[]> {
  const literals = values.map((value) => Type.Literal(value as T[number]));
  return Type.Union(literals, { errorMessage: `must be one of: ${values.join(', ')}`, ...options });
}

/** Kuma tag keys and values: letters, digits and . - _ : / */
export const TAG_PATTERN = '^[a-zA-Z0-9.\\-_:/]+$';
export const TagValue = (options: SchemaOptions = {}) =>
  Type.String({
    pattern: TAG_PATTERN,
    errorMessage: 'must be non-empty and use only letters, digits and . - _ : /',
    ...options,
  });

/** A map of tags: keys and values both restricted to the tag alphabet. */
export const Tags = (options: SchemaOptions = {}) =>
  Type.Record(Type.String({ pattern: TAG_PATTERN }), TagValue(), { additionalProperties: false, ...options });

/**
 * Tags that must carry some keys, e.g. a Dataplane inbound needs `kuma.io/service`.
 * Expressed in the schema so the error names the missing tag.
 */
export function TagsWith(required: readonly string[], options: SchemaOptions = {}) {
  const properties: Record<string, TSchema> = {};
  for (const key of required) properties[key] = TagValue();
  return Type.Unsafe<Record<string, string>>(Type.Object(properties, { additionalProperties: TagValue(), ...options }));
}

/**
 * Resource names: what Kubernetes accepts as an object name (a DNS-1123
 * subdomain), so a document written for Universal also fits Kubernetes.
 * Mesh names have no dots (MeshName); names in references follow Kuma's
 * looser rule (ReferenceName).
 */
export const NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
export const NAME_MAX_LENGTH = 253;
export const ResourceName = (options: SchemaOptions = {}) =>
  Type.String({
    minLength: 1,
    maxLength: NAME_MAX_LENGTH,
    pattern: NAME_PATTERN,
    errorMessage:
      'must be at most 253 characters of lower case letters, digits, "-" and ".", starting and ending with a letter or digit',
    ...options,
  });

/**
 * Mesh names: a resource name without dots. A proxy's xDS node id is
 * `<mesh>.<name>` and is split at its first dot (dataplane names may hold
 * dots), so a mesh named `prod.eu` could be created but never served.
 */
export const MESH_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const MeshName = (options: SchemaOptions = {}) =>
  Type.String({
    minLength: 1,
    maxLength: NAME_MAX_LENGTH,
    pattern: MESH_NAME_PATTERN,
    errorMessage:
      'must be a mesh name: at most 253 characters of lower case letters, digits and "-", starting and ending with a letter or digit, without dots (proxies are named <mesh>.<name>)',
    ...options,
  });

/**
 * A name that refers to another resource (targetRef.name, backendRefs, a
 * data source's secret): Kuma's rule for these, lower case letters, digits,
 * "-", "." and "_" (services named after `kuma.io/service` tags keep their
 * underscores). No "/", so `../../etc/passwd` names nothing.
 */
export const REFERENCE_NAME_PATTERN = '^[0-9a-z._-]+$';
export const ReferenceName = (options: SchemaOptions = {}) =>
  Type.String({
    minLength: 1,
    maxLength: NAME_MAX_LENGTH,
    pattern: REFERENCE_NAME_PATTERN,
    errorMessage: 'must be a resource name: at most 253 characters of lower case letters, digits, "-", "." and "_"',
    ...options,
  });

/**
 * HTTP header names as Kuma's policies take them: RFC 7230 token characters,
 * lower case (Envoy compares header names in lower case). The any-case form is
 * for fields Kuma takes in any case and Envoy lowers itself (hash policies,
 * trace tags).
 */
export const HEADER_NAME_PATTERN = "^[a-z0-9!#$%&'*+\\-.^_`|~]+$";
export const HeaderName = (options: SchemaOptions = {}) =>
  Type.String({
    minLength: 1,
    maxLength: 256,
    pattern: HEADER_NAME_PATTERN,
    errorMessage: 'must be a lower case HTTP header name',
    ...options,
  });

export const ANY_CASE_HEADER_NAME_PATTERN = "^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$";
export const AnyCaseHeaderName = (options: SchemaOptions = {}) =>
  Type.String({
    minLength: 1,
    maxLength: 256,
    pattern: ANY_CASE_HEADER_NAME_PATTERN,
    errorMessage: "must be an HTTP header name: letters, digits and !#$%&'*+-.^_`|~",
    ...options,
  });

/**
 * A header a policy adds, sets or removes: Envoy refuses to touch `host` (and
 * the `:` pseudo-headers, which HeaderName already excludes) this way.
 */
export const MODIFIABLE_HEADER_NAME_PATTERN = "^(?!host$)[a-z0-9!#$%&'*+\\-.^_`|~]+$";
export const ModifiableHeaderName = (options: SchemaOptions = {}) =>
  Type.String({
    minLength: 1,
    maxLength: 256,
    pattern: MODIFIABLE_HEADER_NAME_PATTERN,
    errorMessage: 'must be a lower case HTTP header name other than host (Envoy does not modify Host this way)',
    ...options,
  });

/**
 * HTTP header values (RFC 7230 field-value): no control characters but tab,
 * at most 16 KiB. NUL, CR and LF above all: Envoy refuses them, and CR LF
 * would start a new header.
 */
export const HEADER_VALUE_PATTERN = '^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F]*$';
export const HeaderValue = (options: SchemaOptions = {}) =>
  Type.String({
    pattern: HEADER_VALUE_PATTERN,
    format: HEADER_VALUE_FORMAT,
    errorMessage: 'must be an HTTP header value: no control characters (NUL, CR, LF, ...) but tab',
    ...options,
  });

/** Kubernetes label syntax: optional DNS prefix, a name of at most 63 characters. */
export const LABEL_KEY_PATTERN =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
export const LABEL_VALUE_PATTERN = '^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$';
export const Labels = (options: SchemaOptions = {}) =>
  Type.Record(
    Type.String({ pattern: LABEL_KEY_PATTERN }),
    Type.String({
      pattern: LABEL_VALUE_PATTERN,
      errorMessage: 'must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
    }),
    { additionalProperties: false, ...options },
  );

/** An object that rejects fields it does not name: Kuma refuses unknown fields too. */
export const Strict = <T extends Parameters<typeof Type.Object>[0]>(properties: T, options: SchemaOptions = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

/** Kubernetes "int or string" percentages and quantities, e.g. 50, "50", "12.5". */
export const Percentage = (options: SchemaOptions = {}) =>
  Type.Union(
    [Type.Number({ minimum: 0, maximum: 100 }), Type.String({ pattern: '^(100(\\.0+)?|[0-9]{1,2}(\\.[0-9]+)?)$' })],
    { errorMessage: 'must be a percentage between 0 and 100, as a number or a decimal string', ...options },
  );

/**
 * A field Kuma accepts and ignores: its decoder drops what its schema does not
 * name. Accepted here too, so a document written for Kuma applies as it is,
 * and dropped before the resource is stored (normalise.ts).
 */
export const Ignored = (description: string) => Type.Optional(Type.Unknown({ ignored: true, description }));
