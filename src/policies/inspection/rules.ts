/**
 * What the policies selecting one proxy resolve to, for people: the answer of
 * `GET /meshes/{mesh}/dataplanes/{name}/_rules` and `koguma inspect dataplane
 * --type policies`. Pure: a ProxyContext (its matched policies per kind) in,
 * plain JSON out, with the "why" kept beside each result:
 *
 *   kind ─► matched policies, lowest priority first (a later one wins a conflict)
 *        ─► to:      per destination, the merged conf and the to[] entries merged
 *        ─► routeRules: per MeshHTTPRoute route to a destination that policies
 *                    targeting that route configure: the destination's conf with theirs over it
 *        ─► from:    per inbound, one rule per client group, with the policies merged
 *        ─► rules:   per inbound, the rules[] one per match, and the catch-all merged
 *        ─► default: the merged top-level default (MeshProxyPatch, MeshTrace, ...)
 *
 * Kinds appear in the order their plugins apply (KUMA-COMPAT.md).
 */
import type { Resource } from '../../api/index.js';
import type { InboundContext, ProxyContext } from '../../xds/generate/index.js';
import {
  fromRules,
  inboundRules,
  resolveCatchAll,
  resolveTopLevelDefault,
  type MatchedPolicy,
  fromEntries,
  ruleEntries,
  toEntries,
  topLevelTargetRef,
  configuresRoutes,
  routeNameOf,
  routeOrigins,
  resolveTo,
  resolveToRoute,
  serviceDestination,
  targetsRoutes,
} from '../core/index.js';
import { httpRouteRulesFor } from '../meshhttproute/index.js';
import { policies } from '../index.js';

export interface PolicyRef {
  readonly name: string;
  /** Position in the policy's `to[]`, `from[]` or `rules[]`. */
  readonly index?: number;
}

export interface InboundRef {
  readonly port: number;
  readonly service: string;
  readonly name?: string;
}

export interface KindRules {
  readonly kind: string;
  /** The policies selecting the proxy, lowest priority first. */
  readonly matched: readonly {
    readonly name: string;
    readonly targetRef: unknown;
    readonly inbounds: readonly InboundRef[];
  }[];
  readonly to: readonly {
    readonly destination: { readonly kind: string; readonly name: string };
    readonly conf: unknown;
    readonly from: readonly PolicyRef[];
  }[];
  readonly from: readonly {
    readonly inbound: InboundRef;
    readonly rules: readonly {
      readonly source: unknown;
      readonly conf: unknown;
      readonly policies: readonly string[];
    }[];
  }[];
  readonly rules: readonly {
    readonly inbound: InboundRef;
    readonly rules: readonly { readonly match?: unknown; readonly conf: unknown; readonly from: PolicyRef }[];
    /** What applies to every request of the inbound: the catch-all rules merged. */
    readonly catchAll: unknown;
  }[];
  readonly default?: unknown;
  /** Only when some policy of the kind targets a MeshHTTPRoute: what each such route's traffic gets. */
  readonly routeRules?: readonly {
    /** The Route's name: the MeshHTTPRoutes its rules came from. */
    readonly route: string;
    readonly destination: { readonly kind: string; readonly name: string };
    readonly conf: unknown;
    readonly from: readonly PolicyRef[];
  }[];
}

const inboundRef = (inbound: InboundContext): InboundRef => ({
  port: inbound.port,
  service: inbound.service,
  ...(inbound.name === undefined ? {} : { name: inbound.name }),
});

const present = <T>(value: T | undefined): value is T => value !== undefined;

function toRulesOf(proxy: ProxyContext, matched: readonly MatchedPolicy[]): KindRules['to'] {
  if (!matched.some(({ policy }) => toEntries(policy).length > 0)) return [];
  const services = [...new Set(proxy.outbounds.map((outbound) => outbound.service))].sort();
  return services.flatMap((service) => {
    const { conf, entries } = resolveTo(matched, serviceDestination(proxy, service));
    if (entries.length === 0) return [];
    // Route kinds have `rules` in their entries rather than a `default` to merge: show the entries' own.
    const shown =
      conf ??
      entries
        .map(({ entry }) => (entry as { rules?: unknown }).rules)
        .filter(present)
        .flat();
    return [
      {
        destination: { kind: 'MeshService', name: service },
        conf: shown,
        from: entries.map(({ policy, index }) => ({ name: policy.name, index })),
      },
    ];
  });
}

/** Per Route to each destination that some route-scoped policy targets, the merged conf. */
function routeRulesOf(proxy: ProxyContext, matched: readonly MatchedPolicy[]): NonNullable<KindRules['routeRules']> {
  const routeMatched = proxy.policies?.get('MeshHTTPRoute') ?? [];
  const services = [...new Set(proxy.outbounds.map((outbound) => outbound.service))].sort();
  return services.flatMap((service) => {
    const destination = serviceDestination(proxy, service);
    const routes = new Set(httpRouteRulesFor(routeMatched, destination).map((rule) => routeNameOf(rule.policies)));
    return [...routes].flatMap((route) => {
      const origins = routeOrigins(proxy, route);
      if (!targetsRoutes(matched, origins)) return [];
      const { conf, entries } = resolveToRoute(matched, destination, origins);
      return [
        {
          route,
          destination: { kind: 'MeshService', name: service },
          conf,
          from: entries.map(({ policy, index }) => ({ name: policy.name, index })),
        },
      ];
    });
  });
}

function fromRulesOf(proxy: ProxyContext, matched: readonly MatchedPolicy[]): KindRules['from'] {
  if (!matched.some(({ policy }) => fromEntries(policy).length > 0)) return [];
  return proxy.inbounds.flatMap((inbound, i) => {
    const rules = fromRules(matched, i);
    if (rules.length === 0) return [];
    return [
      {
        inbound: inboundRef(inbound),
        rules: rules.map((rule) => ({
          source: rule.source,
          conf: rule.conf,
          policies: rule.policies.map((p) => p.name),
        })),
      },
    ];
  });
}

function inboundRulesOf(proxy: ProxyContext, matched: readonly MatchedPolicy[]): KindRules['rules'] {
  if (!matched.some(({ policy }) => ruleEntries(policy).length > 0)) return [];
  return proxy.inbounds.flatMap((inbound, i) => {
    const rules = inboundRules(matched, i);
    if (rules.length === 0) return [];
    return [
      {
        inbound: inboundRef(inbound),
        rules: rules.map((rule) => ({
          ...(rule.match === undefined ? {} : { match: rule.match }),
          conf: rule.conf,
          from: { name: rule.policy.name, index: rule.index },
        })),
        catchAll: resolveCatchAll(rules),
      },
    ];
  });
}

const hasDefault = (policy: Resource): boolean => policy.spec['default'] !== undefined;

/** The rules of one kind for the proxy. */
export function kindRulesOf(proxy: ProxyContext, kind: string, matched: readonly MatchedPolicy[]): KindRules {
  const inboundsOf = (match: MatchedPolicy) =>
    match.inbounds
      .map((i) => proxy.inbounds[i])
      .filter(present)
      .map(inboundRef);
  return {
    kind,
    matched: matched.map((match) => ({
      name: match.policy.name,
      targetRef: topLevelTargetRef(match.policy),
      inbounds: inboundsOf(match),
    })),
    to: toRulesOf(proxy, matched),
    from: fromRulesOf(proxy, matched),
    rules: inboundRulesOf(proxy, matched),
    ...(matched.some((m) => hasDefault(m.policy)) ? { default: resolveTopLevelDefault(matched) } : {}),
    ...(matched.some(configuresRoutes) ? { routeRules: routeRulesOf(proxy, matched) } : {}),
  };
}

const orderOf = (kind: string): number =>
  policies.find((module) => module.kind.name === kind)?.kind.policy.order ?? Number.MAX_SAFE_INTEGER;

/** Every kind with policies selecting the proxy, in plugin order. */
export function proxyRulesOf(proxy: ProxyContext): KindRules[] {
  return [...(proxy.policies ?? new Map<string, readonly MatchedPolicy[]>()).entries()]
    .filter(([, matched]) => matched.length > 0)
    .sort(([a], [b]) => orderOf(a) - orderOf(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([kind, matched]) => kindRulesOf(proxy, kind, matched));
}
