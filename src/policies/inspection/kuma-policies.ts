/**
 * The policies configuring one proxy, one part of it at a time, in Kuma's
 * shapes: the answers of the dataplane `_policies`, `_inbounds/{kri}/_policies`,
 * `_outbounds/{kri}/_policies`, `_outbounds/{kri}/_routes` and
 * `_outbounds/{kri}/_routes/{kri}/_policies` endpoints. Pure: the engine's
 * ProxyContext (its matched policies) in, plain JSON out. Every answer is
 * resolved by the same functions the proxy's configuration is built with
 * (policies/core), so it says what the proxy gets:
 *
 *   proxy     each kind's top-level `default`s merged
 *   inbound   each kind's inbound rules (`rules[]`, or `from[]` naming the mesh)
 *   outbound  each kind's `to[]` entries covering the destination, merged
 *   routes    the MeshHTTPRoute rules (merged per `matches`) and MeshTCPRoute rules to it
 *   route     each kind's conf for the traffic of one MeshHTTPRoute to it
 *
 * Kinds come in plugin order; origins lowest priority first (the last wins).
 */
import type { Resource } from '../../api/index.js';
import {
  inboundRules,
  resolveTo,
  resolveToRoute,
  resolveTopLevelDefault,
  ruleEntries,
  targetsRoutes,
  type Destination,
  type MatchedPolicy,
  type RouteIdentity,
} from '../core/index.js';
import { mergedHttpRules } from '../meshhttproute/index.js';
import { policies } from '../index.js';
import type { ProxyContext } from '../../xds/generate/index.js';
import { kumaConf, kumaRouteConf } from './kuma-conf.js';
import { formatKri, kriOf, type ShortTypeOf } from './kri.js';
import { LISTENER, matchedForListener } from './listeners.js';

export interface PolicyOrigin {
  readonly kri: string;
}

export interface PolicyConf {
  readonly kind: string;
  readonly conf: unknown;
  readonly origins: readonly PolicyOrigin[];
}

export interface InboundPolicyConf {
  readonly kind: string;
  readonly origins: readonly PolicyOrigin[];
  readonly rules: readonly { readonly conf: unknown; readonly kri: string }[];
}

export interface RouteConf {
  readonly kind: string;
  readonly origins: readonly PolicyOrigin[];
  readonly rules: readonly { readonly conf: unknown; readonly kri: string; readonly matches: unknown }[];
}

const ROUTE_KINDS = new Set(['MeshHTTPRoute', 'MeshTCPRoute']);

const orderOf = (kind: string): number =>
  policies.find((module) => module.kind.name === kind)?.kind.policy.order ?? Number.MAX_SAFE_INTEGER;

/** The kinds with policies selecting the proxy, in plugin order. */
export function kindsOf(proxy: ProxyContext): [string, readonly MatchedPolicy[]][] {
  return [...(proxy.policies ?? new Map<string, readonly MatchedPolicy[]>()).entries()]
    .filter(([, matched]) => matched.length > 0)
    .sort(([a], [b]) => orderOf(a) - orderOf(b) || (a < b ? -1 : a > b ? 1 : 0));
}

const policyKri = (policy: Resource, shortTypeOf: ShortTypeOf): string =>
  formatKri(kriOf(policy, shortTypeOf(policy.kind) ?? policy.kind.toLowerCase()));

/** Each policy once, in the order given. */
function originsOf(list: readonly Resource[], shortTypeOf: ShortTypeOf): PolicyOrigin[] {
  const seen = new Set<string>();
  return list.flatMap((policy) => {
    if (seen.has(policy.name)) return [];
    seen.add(policy.name);
    return [{ kri: policyKri(policy, shortTypeOf) }];
  });
}

/** What applies to the proxy as a whole: each kind's top-level `default`s merged. */
export function proxyPolicies(proxy: ProxyContext, shortTypeOf: ShortTypeOf): PolicyConf[] {
  return kindsOf(proxy).flatMap(([kind, matched]) => {
    const withDefault = matched.filter((m) => m.policy.spec['default'] !== undefined);
    if (withDefault.length === 0) return [];
    return [
      {
        kind,
        conf: kumaConf(kind, 'default', resolveTopLevelDefault(withDefault)),
        origins: originsOf(
          withDefault.map((m) => m.policy),
          shortTypeOf,
        ),
      },
    ];
  });
}

/** The rules each kind gives one inbound (a position in `proxy.inbounds`), each rule with its policy. */
export function inboundPolicies(proxy: ProxyContext, inbound: number, shortTypeOf: ShortTypeOf): InboundPolicyConf[] {
  return kindsOf(proxy).flatMap(([kind, matched]) => {
    // A rule with several matches is one rule here: it is listed once.
    const seen = new Set<string>();
    const forInbound = inbound === LISTENER ? matchedForListener(matched) : matched;
    const rules = inboundRules(forInbound, inbound, { fromAsRules: true }).filter((rule) => {
      const key = `${rule.policy.name}\u0000${rule.index}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (rules.length === 0) return [];
    return [
      {
        kind,
        origins: originsOf(
          rules.map((rule) => rule.policy),
          shortTypeOf,
        ),
        rules: rules.map((rule) => ({
          conf: kumaConf(kind, ruleEntries(rule.policy).length > 0 ? 'rules' : 'from', rule.conf),
          kri: policyKri(rule.policy, shortTypeOf),
        })),
      },
    ];
  });
}

/** One kind's merged `to` conf and the policies it came from; nothing when no entry covers the traffic. */
function toConfOf(
  kind: string,
  conf: unknown,
  entries: readonly { readonly policy: Resource }[],
  shortTypeOf: ShortTypeOf,
): PolicyConf[] {
  if (entries.length === 0 || conf === undefined) return [];
  const origins = originsOf(
    entries.map((e) => e.policy),
    shortTypeOf,
  );
  return [{ kind, conf: [kumaConf(kind, 'to', conf)], origins }];
}

/** What each kind gives traffic to one destination (routes aside: `outboundRoutes`). */
export function outboundPolicies(
  proxy: ProxyContext,
  destination: Destination,
  shortTypeOf: ShortTypeOf,
): PolicyConf[] {
  return kindsOf(proxy).flatMap(([kind, matched]) => {
    if (ROUTE_KINDS.has(kind)) return [];
    const { conf, entries } = resolveTo(matched, destination);
    return toConfOf(kind, conf, entries, shortTypeOf);
  });
}

/** The MeshHTTPRoute and MeshTCPRoute rules for traffic to one destination. */
export function outboundRoutes(proxy: ProxyContext, destination: Destination, shortTypeOf: ShortTypeOf): RouteConf[] {
  return kindsOf(proxy).flatMap(([kind, matched]): RouteConf[] => {
    if (!ROUTE_KINDS.has(kind)) return [];
    const { entries } = resolveTo(matched, destination);
    if (entries.length === 0) return [];
    const origins = originsOf(
      entries.map((e) => e.policy),
      shortTypeOf,
    );
    if (kind === 'MeshTCPRoute') {
      // TCP rules do not merge: the highest-priority entry's rules are the ones used.
      const winner = entries[entries.length - 1]?.entry as { rules?: readonly { default?: unknown }[] } | undefined;
      const rules = (winner?.rules ?? []).map((rule) => ({
        conf: kumaRouteConf(kind, rule.default),
        kri: '',
        matches: null,
      }));
      return [{ kind, origins, rules }];
    }
    const byName = new Map(matched.map((m) => [m.policy.name, m.policy]));
    const rules = mergedHttpRules(matched, destination).map((rule) => {
      const winner = byName.get(rule.policies[rule.policies.length - 1] ?? '');
      return {
        conf: kumaRouteConf(kind, rule.conf),
        kri: winner === undefined ? '' : policyKri(winner, shortTypeOf),
        matches: rule.matches,
      };
    });
    return [{ kind, origins, rules }];
  });
}

/** What each kind gives the traffic one MeshHTTPRoute sends to the destination. */
export function routePolicies(
  proxy: ProxyContext,
  destination: Destination,
  route: RouteIdentity,
  shortTypeOf: ShortTypeOf,
): PolicyConf[] {
  return kindsOf(proxy).flatMap(([kind, matched]) => {
    if (ROUTE_KINDS.has(kind)) return [];
    const { conf, entries } = targetsRoutes(matched, [route])
      ? resolveToRoute(matched, destination, [route])
      : resolveTo(matched, destination);
    return toConfOf(kind, conf, entries, shortTypeOf);
  });
}
