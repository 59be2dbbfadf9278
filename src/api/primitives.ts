/**
 * Schema building blocks shared by every resource kind. Each carries an
 * `errorMessage` so a rejected value is explained in words a user recognises
 * ("must be a duration like 15s") rather than as a regular expression.
 */
import { Type, type SchemaOptions, type TLiteral, type TSchema, type TString, type TUnion } from '@sinclair/typebox';

/** Go-style duration as Kuma writes them: "15s", "1m30s", "250ms", "0s". */
export const DURATION_PATTERN = '^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$';
/** Durations that may also use days, as Mesh certificate rotation does ("1d"). */
export const LONG_DURATION_PATTERN = '^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h|d))+)$';

export const Duration = (options: SchemaOptions = {}): TString =>
  Type.String({ pattern: DURATION_PATTERN, errorMessage: 'must be a duration like 15s', ...options });

export const LongDuration = (options: SchemaOptions = {}): TString =>
  Type.String({ pattern: LONG_DURATION_PATTERN, errorMessage: 'must be a duration like 1d or 24h', ...options });

export const Port = (options: SchemaOptions = {}) =>
  Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'must be a port between 1 and 65535', ...options });

/** A closed set of strings; errors list the allowed values. */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnion<TLiteral<T[number]>[]> {
  const literals = values.map((value) => Type.Literal(value as T[number]));
  return Type.Union(literals, { errorMessage: `must be one of: ${values.join(', ')}`, ...options });
}

/** Kuma tag keys and values: letters, digits and . - _ : / */
export const TAG_PATTERN = '^[a-zA-Z0-9.\\-_:/]+$';
export const TagValue = (options: SchemaOptions = {}) =>
  Type.String({ pattern: TAG_PATTERN, errorMessage: 'must be non-empty and use only letters, digits and . - _ : /', ...options });

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
  Type.Union([
    Type.Number({ minimum: 0, maximum: 100 }),
    Type.String({ pattern: '^(100(\\.0+)?|[0-9]{1,2}(\\.[0-9]+)?)$' }),
  ], { errorMessage: 'must be a percentage between 0 and 100, as a number or a decimal string', ...options });
