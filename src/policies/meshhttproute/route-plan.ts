/**
 * From merged rules to plain route plans: everything a Route message needs,
 * with backends already resolved to clusters, and the parts the proxy's
 * flavour cannot honour left out (with a warning). Plans are plain JSON, so
 * they double as the key under which the edited route configuration is
 * shared between proxies (xds/generate/shared.ts `defineEdit`).
 *
 * Proxyless gRPC (grpc-js-xds) honours path, header and weighted cluster
 * routing only:
 *   - a query parameter match can never match a gRPC call (gRPC has no query
 *     string, and grpc-js-xds would ignore the condition and match anyway):
 *     the route is left out;
 *   - every gRPC call is a POST: a POST method match is dropped as always
 *     true, a route matching another method is left out;
 *   - a PathPrefix becomes a plain prefix ending in `/`: gRPC paths are always
 *     `/<service>/<method>`, so that equals a whole-segment prefix;
 *   - filters (header modifiers, redirect, URL rewrite, mirror) are not applied.
 */
import type {
  HeaderMatchInput,
  PathMatchInput,
  PathRewriteInput,
  RouteMatchInput,
  WeightedClusterInput,
  ProxyFlavour,
} from '../../xds/generate/index.js';
import { type BackendRef, routeNameOf } from '../core/index.js';
import type { BackendClusters } from './backends.js';
import type { HttpRouteRule } from './rules.js';
import type { HttpMatch, MeshHTTPRouteConf } from './schema.js';

type Filter = NonNullable<MeshHTTPRouteConf['filters']>[number];
type PathRewrite = {
  type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  replaceFullPath?: string;
  replacePrefixMatch?: string;
};

export interface HeaderEdits {
  readonly set?: { name: string; value: string }[];
  readonly add?: { name: string; value: string }[];
  readonly remove?: string[];
}

export interface RoutePlan {
  /** The MeshHTTPRoutes the route came from: the Route's name, comma-separated. */
  readonly name: string;
  readonly match: RouteMatchInput;
  /** Forward to these clusters, or answer with `redirect`. */
  readonly clusters: WeightedClusterInput[];
  readonly redirect?: {
    scheme?: string;
    hostname?: string;
    port?: number;
    path?: PathRewriteInput;
    statusCode?: number;
  };
  readonly rewrite?: { hostname?: string; path?: PathRewriteInput };
  readonly mirrors: { cluster: string; percent: number }[];
  readonly requestHeaders?: HeaderEdits;
  readonly responseHeaders?: HeaderEdits;
}

export interface PlanInput {
  readonly flavour: ProxyFlavour;
  /** The destination's own cluster: where a rule without backendRefs sends. */
  readonly serviceCluster: string;
  readonly backends: BackendClusters;
  readonly warn: (message: string) => void;
}

const HEADER_KINDS = {
  Exact: 'exact',
  Prefix: 'prefix',
  RegularExpression: 'regex',
  Present: 'present',
  Absent: 'absent',
} as const;

function pathOf(match: HttpMatch, flavour: ProxyFlavour): PathMatchInput | undefined {
  const path = match.path;
  if (path === undefined) return undefined;
  if (path.type === 'Exact') return { kind: 'exact', value: path.value };
  if (path.type === 'RegularExpression') return { kind: 'regex', value: path.value };
  if (flavour === 'grpc') return { kind: 'prefix', value: path.value === '/' ? '/' : `${path.value}/` };
  return { kind: 'segmentPrefix', value: path.value };
}

function routeMatchOf(match: HttpMatch, flavour: ProxyFlavour): RouteMatchInput {
  const headers: HeaderMatchInput[] = (match.headers ?? []).map((h) => ({
    name: h.name,
    kind: HEADER_KINDS[h.type ?? 'Exact'],
    value: h.value ?? '',
  }));
  if (match.method !== undefined && flavour === 'envoy')
    headers.unshift({ name: ':method', kind: 'exact', value: match.method });
  const path = pathOf(match, flavour);
  return {
    ...(path ? { path } : {}),
    headers,
    queryParameters:
      flavour === 'envoy'
        ? (match.queryParams ?? []).map((q) => ({
            name: q.name,
            kind: q.type === 'Exact' ? 'exact' : 'regex',
            value: q.value,
          }))
        : [],
  };
}

function pathRewriteOf(path: PathRewrite | undefined, match: HttpMatch): PathRewriteInput | undefined {
  if (path?.type === 'ReplaceFullPath' && path.replaceFullPath !== undefined)
    return { kind: 'fullPath', value: path.replaceFullPath };
  if (path?.type === 'ReplacePrefixMatch' && path.replacePrefixMatch !== undefined && match.path?.type === 'PathPrefix')
    return { kind: 'prefix', matchedPrefix: match.path.value, value: path.replacePrefixMatch };
  return undefined;
}

/** Why a gRPC proxy cannot take a route at all, or undefined when it can. */
function grpcUnroutable(match: HttpMatch): string | undefined {
  if ((match.queryParams?.length ?? 0) > 0) return 'queryParams match: gRPC calls carry no query string';
  if (match.method !== undefined && match.method !== 'POST')
    return `method ${match.method} match: every gRPC call is a POST`;
  return undefined;
}

/** `value` without its undefined properties (the plans are compared as JSON and typed with exact optional properties). */
const definedOnly = <T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };

function applyFilter(
  plan: { -readonly [K in keyof RoutePlan]: RoutePlan[K] },
  filter: Filter,
  rule: HttpRouteRule,
  input: PlanInput,
  where: string,
): void {
  switch (filter.type) {
    case 'RequestHeaderModifier':
      if (filter.requestHeaderModifier) plan.requestHeaders = filter.requestHeaderModifier;
      return;
    case 'ResponseHeaderModifier':
      if (filter.responseHeaderModifier) plan.responseHeaders = filter.responseHeaderModifier;
      return;
    case 'RequestRedirect': {
      const r = filter.requestRedirect;
      if (r)
        plan.redirect = definedOnly({
          scheme: r.scheme,
          hostname: r.hostname,
          port: r.port,
          path: pathRewriteOf(r.path, rule.match),
          statusCode: r.statusCode,
        });
      return;
    }
    case 'URLRewrite': {
      const r = filter.urlRewrite;
      if (r) plan.rewrite = definedOnly({ hostname: r.hostname, path: pathRewriteOf(r.path, rule.match) });
      return;
    }
    case 'RequestMirror': {
      const m = filter.requestMirror;
      const cluster = m ? input.backends.clusterOf(m.backendRef as BackendRef, `${where} RequestMirror`) : undefined;
      if (m && cluster !== undefined) plan.mirrors.push({ cluster, percent: Number(m.percentage ?? 100) });
      return;
    }
  }
}

/** The route for one rule, or undefined (warned) when the proxy cannot take it. */
export function planRoute(rule: HttpRouteRule, input: PlanInput, where: string): RoutePlan | undefined {
  const { flavour, warn } = input;
  const unroutable = flavour === 'grpc' ? grpcUnroutable(rule.match) : undefined;
  if (unroutable !== undefined) {
    warn(`${where}: route not applied: ${unroutable}`);
    return undefined;
  }
  const refs = rule.conf.backendRefs;
  const clusters =
    refs === undefined || refs.length === 0
      ? [{ cluster: input.serviceCluster, weight: 1 }]
      : input.backends.weighted(refs, where);
  const plan: { -readonly [K in keyof RoutePlan]: RoutePlan[K] } = {
    name: routeNameOf(rule.policies),
    match: routeMatchOf(rule.match, flavour),
    clusters,
    mirrors: [],
  };
  for (const filter of rule.conf.filters ?? []) {
    if (flavour === 'grpc') warn(`${where}: filter ${filter.type} not applied: proxyless gRPC does not implement it`);
    else applyFilter(plan, filter, rule, input, where);
  }
  if (plan.redirect === undefined && plan.clusters.length === 0) {
    warn(`${where}: route not applied: no backendRef can receive traffic`);
    return undefined;
  }
  return plan;
}
