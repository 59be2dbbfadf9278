/**
 * HTTP headers in policy schemas: the header name syntax, name/value pairs,
 * the `set`/`add` lists that modify headers, and header matches.
 */
import { Type } from '@sinclair/typebox';
import { Strict, StringEnum } from '../../api/primitives.js';

/** A lower case HTTP header name (RFC 7230 token), as Envoy expects it. */
export const HeaderName = () =>
  Type.String({ minLength: 1, maxLength: 256, pattern: "^[a-z0-9!#$%&'*+\\-.^_`|~]+$", errorMessage: 'must be a lower case HTTP header name' });

export const HeaderKeyValue = Strict({ name: HeaderName(), value: Type.String() });

/** `set` replaces a header, `add` appends a value; at most 16 of each. Spread into a Strict object. */
export const headerSetAddProperties = () => ({
  set: Type.Optional(Type.Array(HeaderKeyValue, { maxItems: 16 })),
  add: Type.Optional(Type.Array(HeaderKeyValue, { maxItems: 16 })),
});

/** Headers to set or add, with no removal (rate limit responses, health check requests). */
export const HeaderSetAdd = () => Strict(headerSetAddProperties());

export const HEADER_MATCH_TYPES = ['Exact', 'Present', 'RegularExpression', 'Absent', 'Prefix'] as const;

/** A match on one header; each policy words the `type` description its own way. */
export const HeaderMatch = (typeDescription: string) =>
  Strict({
    type: Type.Optional(StringEnum(HEADER_MATCH_TYPES, { description: typeDescription })),
    name: HeaderName(),
    value: Type.Optional(Type.String()),
  });
