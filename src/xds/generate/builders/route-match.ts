/**
 * RouteMatch: which requests a route takes, from a path condition, header
 * conditions and query parameter conditions (all must hold). Envoy-only
 * vocabulary: a caller maps its own match language onto these kinds.
 *
 * `segmentPrefix` is a prefix that matches whole path segments only
 * (`/api` takes `/api` and `/api/x`, not `/apix`): Envoy's
 * `path_separated_prefix`. Proxyless gRPC does not know that specifier
 * (grpc-js-xds accepts prefix, path and safe_regex only), so a gRPC caller
 * asks for a plain `prefix` instead. `/` is always a plain prefix, as
 * `path_separated_prefix` may not end with a slash.
 */
import { create } from '@bufbuild/protobuf';
import {
  HeaderMatcherSchema,
  QueryParameterMatcherSchema,
  RouteMatchSchema,
  type HeaderMatcher,
  type QueryParameterMatcher,
  type RouteMatch,
} from '../../envoy/gen/envoy/config/route/v3/route_components_pb.js';
import { RegexMatcherSchema } from '../../envoy/gen/envoy/type/matcher/v3/regex_pb.js';
import { StringMatcherSchema, type StringMatcher } from '../../envoy/gen/envoy/type/matcher/v3/string_pb.js';

export interface PathMatchInput {
  readonly kind: 'exact' | 'prefix' | 'segmentPrefix' | 'regex';
  readonly value: string;
}

export interface HeaderMatchInput {
  readonly name: string;
  readonly kind: 'exact' | 'prefix' | 'regex' | 'present' | 'absent';
  /** Unused for present and absent. */
  readonly value?: string;
}

export interface QueryParameterMatchInput {
  readonly name: string;
  readonly kind: 'exact' | 'regex';
  readonly value: string;
}

export interface RouteMatchInput {
  /** Defaults to every path (prefix `/`). */
  readonly path?: PathMatchInput;
  readonly headers?: readonly HeaderMatchInput[];
  readonly queryParameters?: readonly QueryParameterMatchInput[];
}

function stringMatcher(kind: 'exact' | 'prefix' | 'regex', value: string): StringMatcher {
  if (kind === 'regex')
    return create(StringMatcherSchema, { matchPattern: { case: 'safeRegex', value: { regex: value } } });
  return create(StringMatcherSchema, { matchPattern: { case: kind, value } });
}

function pathSpecifier(path: PathMatchInput | undefined): RouteMatch['pathSpecifier'] {
  if (path === undefined) return { case: 'prefix', value: '/' };
  switch (path.kind) {
    case 'exact':
      return { case: 'path', value: path.value };
    case 'prefix':
      return { case: 'prefix', value: path.value };
    case 'segmentPrefix':
      return path.value === '/' ? { case: 'prefix', value: '/' } : { case: 'pathSeparatedPrefix', value: path.value };
    case 'regex':
      return { case: 'safeRegex', value: create(RegexMatcherSchema, { regex: path.value }) };
  }
}

function headerMatcher(header: HeaderMatchInput): HeaderMatcher {
  if (header.kind === 'present' || header.kind === 'absent') {
    // Absent is "present, inverted": both Envoy and grpc-js-xds honour invert_match,
    // while grpc-js-xds ignores the value of present_match.
    return create(HeaderMatcherSchema, {
      name: header.name,
      headerMatchSpecifier: { case: 'presentMatch', value: true },
      invertMatch: header.kind === 'absent',
    });
  }
  return create(HeaderMatcherSchema, {
    name: header.name,
    headerMatchSpecifier: { case: 'stringMatch', value: stringMatcher(header.kind, header.value ?? '') },
  });
}

function queryParameterMatcher(query: QueryParameterMatchInput): QueryParameterMatcher {
  return create(QueryParameterMatcherSchema, {
    name: query.name,
    queryParameterMatchSpecifier: { case: 'stringMatch', value: stringMatcher(query.kind, query.value) },
  });
}

export function buildRouteMatch(input: RouteMatchInput): RouteMatch {
  return create(RouteMatchSchema, {
    pathSpecifier: pathSpecifier(input.path),
    headers: (input.headers ?? []).map(headerMatcher),
    queryParameters: (input.queryParameters ?? []).map(queryParameterMatcher),
  });
}
