/**
 * MeshHTTPRoute: HTTP routing for outbound traffic. Each `to[]` entry names a
 * destination and carries `rules`: request matches (path, method, query,
 * headers) and what to do with a matching request (filters, backendRefs with
 * weights). Rules of several routes merge per `matches` key. With a MeshGateway
 * at the top level, `to[].targetRef` is `Mesh` and `hostnames` narrow the route.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  type InvalidParameter,
  HeaderValue,
  Percentage,
  Port,
  Strict,
  StringEnum,
  UINT32_MAX,
} from '../../api/index.js';
import {
  BACKEND_REF_KINDS,
  BackendRef,
  checkBackendRefs,
  checkRouteDestination,
  definePolicy,
  HeaderMatch,
  headerSetAddProperties,
  ModifiableHeaderName,
  isValidRegex,
  checkTargetRef,
  TargetRef,
  TO_KINDS,
  TOP_LEVEL_PROXY_KINDS,
  type TargetRefKind,
} from '../core/index.js';

const MIRROR_KINDS = ['MeshService', 'MeshServiceSubset'] as const satisfies readonly TargetRefKind[];

/** RFC 1123 host name, IP addresses excluded by the check. */
const PreciseHostname = () =>
  Type.String({
    minLength: 1,
    maxLength: 253,
    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    errorMessage: 'must be a lower case DNS host name',
  });

const PathMatch = Strict({
  type: StringEnum(['Exact', 'PathPrefix', 'RegularExpression']),
  value: Type.String({ minLength: 1 }),
});
/** Envoy takes query parameter names of at most 1024 bytes. */
const QueryParamsMatch = Strict({
  type: StringEnum(['Exact', 'RegularExpression']),
  name: Type.String({ minLength: 1, maxLength: 1024 }),
  value: Type.String(),
});
const METHODS = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'] as const;
export const HttpMatch = Strict({
  path: Type.Optional(PathMatch),
  method: Type.Optional(StringEnum(METHODS)),
  queryParams: Type.Optional(Type.Array(QueryParamsMatch, { description: 'All must match (AND).' })),
  headers: Type.Optional(
    Type.Array(HeaderMatch('How to match the header (default Exact).'), { description: 'All must match (AND).' }),
  ),
});
export type HttpMatch = Static<typeof HttpMatch>;

const HeaderModifier = Strict({
  ...headerSetAddProperties(),
  remove: Type.Optional(Type.Array(ModifiableHeaderName(), { maxItems: 16 })),
});
const PathRewrite = Strict({
  type: StringEnum(['ReplaceFullPath', 'ReplacePrefixMatch']),
  // The new :path: a header value to Envoy.
  replaceFullPath: Type.Optional(HeaderValue()),
  replacePrefixMatch: Type.Optional(HeaderValue()),
});
const STATUS_CODES = [301, 302, 303, 307, 308] as const;
const RequestRedirect = Strict({
  scheme: Type.Optional(
    StringEnum(['http', 'https'], { description: 'Scheme of the Location header (default: the request scheme).' }),
  ),
  hostname: Type.Optional(PreciseHostname()),
  path: Type.Optional(PathRewrite),
  port: Type.Optional(Port({ description: 'Port of the Location header (default: the request port).' })),
  statusCode: Type.Optional(
    Type.Union(
      STATUS_CODES.map((code) => Type.Literal(code)),
      { errorMessage: `must be one of: ${STATUS_CODES.join(', ')}`, description: 'Redirect status (default 302).' },
    ),
  ),
});
const URLRewrite = Strict({
  hostname: Type.Optional(PreciseHostname()),
  path: Type.Optional(PathRewrite),
  hostToBackendHostname: Type.Optional(
    Type.Boolean({ description: 'Set Host to the backend host name; MeshGateway only (default false).' }),
  ),
});
const RequestMirror = Strict({
  percentage: Type.Optional(Percentage({ description: 'Share of requests to mirror (default 100: all).' })),
  backendRef: BackendRef(MIRROR_KINDS),
});
const FILTER_TYPES = [
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestRedirect',
  'URLRewrite',
  'RequestMirror',
] as const;
const Filter = Strict({
  type: StringEnum(FILTER_TYPES),
  requestHeaderModifier: Type.Optional(HeaderModifier),
  responseHeaderModifier: Type.Optional(HeaderModifier),
  requestRedirect: Type.Optional(RequestRedirect),
  urlRewrite: Type.Optional(URLRewrite),
  requestMirror: Type.Optional(RequestMirror),
});
type Filter = Static<typeof Filter>;

export const MeshHTTPRouteConf = Strict({
  filters: Type.Optional(Type.Array(Filter)),
  backendRefs: Type.Optional(
    Type.Array(BackendRef(BACKEND_REF_KINDS), {
      description: 'Where matching requests go (default: the to[] destination).',
    }),
  ),
});
export type MeshHTTPRouteConf = Static<typeof MeshHTTPRouteConf>;

const Rule = Strict({ matches: Type.Array(HttpMatch, { minItems: 1 }), default: MeshHTTPRouteConf });

export const MeshHTTPRouteSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_PROXY_KINDS)),
  to: Type.Optional(
    Type.Array(
      Strict({
        targetRef: TargetRef(TO_KINDS),
        hostnames: Type.Optional(
          Type.Array(Type.String({ minLength: 1 }), { description: 'Only with a MeshGateway top-level targetRef.' }),
        ),
        rules: Type.Optional(Type.Array(Rule)),
      }),
    ),
  ),
});
export type MeshHTTPRouteSpec = Static<typeof MeshHTTPRouteSpec>;

const isIpLiteral = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

function checkMatch(match: HttpMatch, at: string): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const path = match.path;
  if (path) {
    const field = `${at}.path.value`;
    if (path.type === 'RegularExpression' && !isValidRegex(path.value))
      issues.push({ field, reason: 'must be a valid regular expression' });
    if (path.type !== 'RegularExpression' && !path.value.startsWith('/'))
      issues.push({ field, reason: 'must be an absolute path' });
    if (path.type === 'PathPrefix' && path.value !== '/' && path.value.endsWith('/'))
      issues.push({ field, reason: 'must not end with "/": a prefix matches whole path segments only' });
    if (path.type === 'PathPrefix' && /[?#]/.test(path.value))
      issues.push({
        field,
        reason: 'must not contain "?" or "#": a prefix matches the path alone, without query or fragment',
      });
  }
  const names = new Set<string>();
  match.queryParams?.forEach((q, i) => {
    if (names.has(q.name))
      issues.push({ field: `${at}.queryParams[${i}].name`, reason: `${q.name} is already matched` });
    names.add(q.name);
    if (q.type === 'RegularExpression' && !isValidRegex(q.value))
      issues.push({ field: `${at}.queryParams[${i}].value`, reason: 'must be a valid regular expression' });
  });
  match.headers?.forEach((h, i) => {
    const field = `${at}.headers[${i}].value`;
    if ((h.type === 'Present' || h.type === 'Absent') && h.value !== undefined && h.value !== '')
      issues.push({ field, reason: `must not be set when type is ${h.type}` });
    if (h.type === 'RegularExpression' && !isValidRegex(h.value ?? ''))
      issues.push({ field, reason: 'must be a valid regular expression' });
  });
  return issues;
}

function checkModifier(modifier: Static<typeof HeaderModifier>, at: string): InvalidParameter[] {
  if (!modifier.set && !modifier.add && !modifier.remove)
    return [{ field: at, reason: 'must have at least one of set, add or remove' }];
  const issues: InvalidParameter[] = [];
  const seen = new Set<string>();
  const note = (name: string, field: string) => {
    if (seen.has(name)) issues.push({ field, reason: `header ${name} is already modified` });
    seen.add(name);
  };
  modifier.set?.forEach((h, i) => note(h.name, `${at}.set[${i}].name`));
  modifier.add?.forEach((h, i) => note(h.name, `${at}.add[${i}].name`));
  modifier.remove?.forEach((name, i) => note(name, `${at}.remove[${i}]`));
  return issues;
}

function checkPathRewrite(
  path: Static<typeof PathRewrite> | undefined,
  matches: readonly HttpMatch[],
  at: string,
): InvalidParameter[] {
  if (!path) return [];
  const issues: InvalidParameter[] = [];
  if (path.type === 'ReplaceFullPath' && path.replaceFullPath === undefined)
    issues.push({ field: `${at}.replaceFullPath`, reason: 'is required when type is ReplaceFullPath' });
  if (path.type === 'ReplacePrefixMatch' && path.replacePrefixMatch === undefined)
    issues.push({ field: `${at}.replacePrefixMatch`, reason: 'is required when type is ReplacePrefixMatch' });
  if (path.replacePrefixMatch !== undefined && matches.some((m) => m.path?.type !== 'PathPrefix'))
    issues.push({
      field: `${at}.replacePrefixMatch`,
      reason: 'can only be used when every match is a PathPrefix match',
    });
  return issues;
}

function checkFilter(filter: Filter, matches: readonly HttpMatch[], topKind: string, at: string): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const field = (
    {
      RequestHeaderModifier: 'requestHeaderModifier',
      ResponseHeaderModifier: 'responseHeaderModifier',
      RequestRedirect: 'requestRedirect',
      URLRewrite: 'urlRewrite',
      RequestMirror: 'requestMirror',
    } as const
  )[filter.type];
  if (filter[field] === undefined)
    return [{ field: `${at}.${field}`, reason: `is required when type is ${filter.type}` }];
  if (filter.type === 'RequestHeaderModifier' && filter.requestHeaderModifier)
    issues.push(...checkModifier(filter.requestHeaderModifier, `${at}.requestHeaderModifier`));
  if (filter.type === 'ResponseHeaderModifier' && filter.responseHeaderModifier)
    issues.push(...checkModifier(filter.responseHeaderModifier, `${at}.responseHeaderModifier`));
  const redirect = filter.type === 'RequestRedirect' ? filter.requestRedirect : undefined;
  if (redirect) {
    if (redirect.hostname !== undefined && isIpLiteral(redirect.hostname))
      issues.push({ field: `${at}.requestRedirect.hostname`, reason: 'must be a host name, not an IP address' });
    issues.push(...checkPathRewrite(redirect.path, matches, `${at}.requestRedirect.path`));
  }
  const rewrite = filter.type === 'URLRewrite' ? filter.urlRewrite : undefined;
  if (rewrite) {
    if (rewrite.hostname !== undefined && isIpLiteral(rewrite.hostname))
      issues.push({ field: `${at}.urlRewrite.hostname`, reason: 'must be a host name, not an IP address' });
    issues.push(...checkPathRewrite(rewrite.path, matches, `${at}.urlRewrite.path`));
    if (rewrite.hostToBackendHostname === true && topKind !== 'MeshGateway')
      issues.push({
        field: `${at}.urlRewrite.hostToBackendHostname`,
        reason: 'can only be set when the top-level targetRef is a MeshGateway',
      });
    if (rewrite.hostToBackendHostname === true && rewrite.hostname !== undefined)
      issues.push({
        field: `${at}.urlRewrite.hostToBackendHostname`,
        reason: 'must not be set together with hostname',
      });
  }
  const mirror = filter.type === 'RequestMirror' ? filter.requestMirror : undefined;
  if (mirror) issues.push(...checkTargetRef(mirror.backendRef, `${at}.requestMirror.backendRef`, 'to'));
  return issues;
}

/** Envoy (and gRPC) refuse a route whose weighted clusters add up to more than a uint32. */
function checkWeightSum(refs: readonly { weight?: number }[], at: string): InvalidParameter[] {
  const sum = refs.reduce((total, ref) => total + (ref.weight ?? 1), 0);
  return sum > UINT32_MAX
    ? [{ field: at, reason: `weights must add up to at most ${UINT32_MAX}; they add up to ${sum}` }]
    : [];
}

function checkMeshHTTPRoute(spec: MeshHTTPRouteSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const topKind = spec.targetRef?.kind ?? 'Mesh';
  spec.to?.forEach((to, t) => {
    const at = `to[${t}]`;
    issues.push(...checkRouteDestination(to.targetRef.kind, topKind, `${at}.targetRef`));
    if (to.hostnames !== undefined && to.hostnames.length > 0 && topKind !== 'MeshGateway')
      issues.push({
        field: `${at}.hostnames`,
        reason: 'can only be set when the top-level targetRef is a MeshGateway',
      });
    to.rules?.forEach((rule, r) => {
      const ruleAt = `${at}.rules[${r}]`;
      rule.matches.forEach((match, m) => issues.push(...checkMatch(match, `${ruleAt}.matches[${m}]`)));
      const filters = rule.default.filters ?? [];
      filters.forEach((filter, f) =>
        issues.push(...checkFilter(filter, rule.matches, topKind, `${ruleAt}.default.filters[${f}]`)),
      );
      const backendRefs = rule.default.backendRefs ?? [];
      if (topKind === 'MeshGateway' && backendRefs.length === 0 && !filters.some((f) => f.type === 'RequestRedirect'))
        issues.push({ field: `${ruleAt}.default.backendRefs`, reason: 'must not be empty unless the rule redirects' });
      issues.push(...checkBackendRefs(backendRefs, `${ruleAt}.default.backendRefs`));
      issues.push(...checkWeightSum(backendRefs, `${ruleAt}.default.backendRefs`));
    });
  });
  return issues;
}

export const MeshHTTPRouteKind = definePolicy({
  name: 'MeshHTTPRoute',
  shortName: 'mhttpr',
  order: 100,
  acts: 'outbound',
  spec: MeshHTTPRouteSpec,
  check: checkMeshHTTPRoute,
});
