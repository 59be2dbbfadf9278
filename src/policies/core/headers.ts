/**
 * HTTP headers in policy schemas: name/value pairs, the `set`/`add` lists
 * that modify headers, and header matches. The name and value syntax are
 * primitives (api/primitives.ts): RFC 7230 characters, lower case names.
 */
import { Type } from '@sinclair/typebox';
import { HeaderName, HeaderValue, ModifiableHeaderName, Strict, StringEnum } from '../../api/index.js';

export { HeaderName, HeaderValue, ModifiableHeaderName } from '../../api/index.js';

export const HeaderKeyValue = Strict({ name: ModifiableHeaderName(), value: HeaderValue() });

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
    value: Type.Optional(HeaderValue()),
  });
