/**
 * MeshTrafficPermission compiled to Envoy RBAC for one inbound, as Kuma
 * decides who may call it:
 *
 *   `from[]`   the most specific source group a client belongs to decides
 *              (core/from-rules.ts): Allow allows, Deny denies,
 *              AllowWithShadowDeny allows and reports a shadow deny.
 *   `rules[]`  SPIFFE ID lists, concatenated over policies (rule-lists.ts):
 *              deny wins, then allow / allowWithShadowDeny.
 *   both       a `rules` deny wins over everything; a `from` Deny decided by a
 *              named source (not the whole Mesh) wins over a `rules` allow; a
 *              `from` Deny of the whole Mesh is only the default.
 *   neither    no client is allowed (with mTLS on, no permission = no traffic).
 *
 * The result is one ALLOW engine (a client is let in iff some policy matches;
 * none matches: denied) and, when any AllowWithShadowDeny is in play, a shadow
 * engine compiled the same way with AllowWithShadowDeny read as Deny. Envoy
 * enforces `rules` and only reports `shadow_rules` (stats `shadow_denied`,
 * dynamic metadata `shadow_engine_result`); gRPC ignores the shadow engine.
 *
 * Envoy policies are unordered, so a first-match list becomes one policy per
 * allowing source whose principal excludes the clients a Deny decides
 * (first-match.ts). Example, `from: [Mesh Deny, MeshService frontend Allow,
 * MeshServiceSubset frontend {version: v0} Deny]` in mesh `default`:
 *
 *   policy "from MeshService frontend (<policy>)":
 *     spiffe://default/frontend AND NOT kuma://version/v0
 *
 * frontend v1 is allowed by it, frontend v0 matches no policy and everyone
 * else neither: both denied, as Kuma's "most specific wins" says.
 */
import type { Filter } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import type { RBAC } from '../../xds/envoy/gen/envoy/config/rbac/v3/rbac_pb.js';
import type { HttpFilter } from '../../xds/envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import {
  anyOfPrincipals,
  buildHttpRbacFilter,
  buildNetworkRbacFilter,
  buildRbac,
  buildRbacPolicy,
  RBAC_Action,
  type RbacRules,
} from '../../xds/generate/index.js';
import type { FromRule, InboundRule } from '../core/index.js';
import { spiffeMatchPrincipal } from './client-principals.js';
import { carryingAnyOf, decidedBy, excluding } from './first-match.js';
import { concatRuleLists, type RuleLists } from './rule-lists.js';
import { ACTIONS, type Action } from './schema.js';

export interface TrafficPermissionInput {
  /** The mesh of the inbound: its trust domain names the clients. */
  readonly mesh: string;
  /** `fromRules(matched, inbound)` for the inbound: one rule per client group. */
  readonly fromRules: readonly FromRule[];
  /** `inboundRules(matched, inbound)` for the inbound: the `rules[]` entries. */
  readonly inboundRules?: readonly InboundRule[];
}

export type TrafficPermissionRbac = RbacRules;

type Verdict = 'Allow' | 'Deny';
/** How an action counts in the enforced engine and in the shadow engine. */
type View = Readonly<Record<Action, Verdict>>;
const ENFORCED: View = { Allow: 'Allow', AllowWithShadowDeny: 'Allow', Deny: 'Deny' };
const SHADOW: View = { Allow: 'Allow', AllowWithShadowDeny: 'Deny', Deny: 'Deny' };

interface SourceRule extends FromRule {
  readonly action: Action;
}

/** A rule without a known action denies: failing closed is the only safe reading. */
function actionOf(conf: unknown): Action {
  const action = (conf as { action?: unknown } | undefined)?.action;
  return ACTIONS.find((known) => known === action) ?? 'Deny';
}

function describeSource(rule: FromRule): string {
  const { kind, name, tags } = rule.source;
  const tagText = Object.keys(tags ?? {})
    .sort()
    .map((key) => `${key}=${tags![key]}`)
    .join(',');
  return [kind, name, tagText].filter((part) => part !== undefined && part !== '').join(' ');
}

/** Policy names say which source and which MeshTrafficPermission let a client in (Envoy logs and stats show them). */
function fromPolicyName(rule: FromRule): string {
  const decidingPolicy = rule.policies.at(-1)?.name;
  return `from ${describeSource(rule)}${decidingPolicy === undefined ? '' : ` (${decidingPolicy})`}`;
}

const rulesPolicyName = (rules: readonly InboundRule[]): string =>
  `rules (${[...new Set(rules.map((rule) => rule.policy.name))].join(', ')})`;

/** One engine: `view` says how AllowWithShadowDeny counts. */
function compileEngine(
  input: TrafficPermissionInput,
  sources: readonly SourceRule[],
  lists: RuleLists,
  view: View,
): RBAC {
  const { mesh } = input;
  const shadowListAllows = view.AllowWithShadowDeny === 'Allow';
  const ruleDenies = [...lists.deny, ...(shadowListAllows ? [] : lists.allowWithShadowDeny)].map(spiffeMatchPrincipal);
  const ruleAllows = [...lists.allow, ...(shadowListAllows ? lists.allowWithShadowDeny : [])].map(spiffeMatchPrincipal);

  const allowingSources = decidedBy(mesh, sources, (s) => view[s.action] === 'Allow');
  const policies = allowingSources.map(
    ({ rule, group, excluded }) =>
      [fromPolicyName(rule), buildRbacPolicy([excluding(group, [...excluded, ...ruleDenies])])] as const,
  );
  if (ruleAllows.length > 0) {
    // A client in a named Deny group is decided either by a named Deny, which
    // must beat the rules allow, or by a more specific Allow, whose own policy
    // above lets it in anyway. So excluding the whole group gives the same
    // answers as excluding just the clients the Denies decide (for clients with
    // one value per tag; stricter for the others) with far smaller principals.
    const namedDenyGroups = sources
      .filter((s) => view[s.action] === 'Deny' && Object.keys(s.clientTags).length > 0)
      .map((s) => s.clientTags);
    const principal = excluding(anyOfPrincipals(ruleAllows), [...ruleDenies, ...carryingAnyOf(mesh, namedDenyGroups)]);
    policies.push([rulesPolicyName(input.inboundRules ?? []), buildRbacPolicy([principal])]);
  }
  return buildRbac(RBAC_Action.ALLOW, policies);
}

/** The enforced engine and, when some client is allowed with a shadow deny, the shadow engine. */
export function trafficPermissionRbac(input: TrafficPermissionInput): TrafficPermissionRbac {
  const sources = input.fromRules.map((rule) => ({ ...rule, action: actionOf(rule.conf) }));
  const lists = concatRuleLists(input.inboundRules ?? []);
  const rules = compileEngine(input, sources, lists, ENFORCED);
  const shadowed = sources.some((s) => s.action === 'AllowWithShadowDeny') || lists.allowWithShadowDeny.length > 0;
  return shadowed ? { rules, shadowRules: compileEngine(input, sources, lists, SHADOW) } : { rules };
}

/**
 * The HTTP RBAC filter for an http, http2 or grpc inbound of a sidecar, and
 * for a proxyless gRPC server's listener (enforced by grpc-js-xds only when the
 * application runs with GRPC_XDS_EXPERIMENTAL_RBAC=true; without it the filter
 * is unknown and, not being optional, makes the server refuse the listener).
 * Place it before the router.
 */
export const httpRbacFilter = (input: TrafficPermissionInput): HttpFilter =>
  buildHttpRbacFilter(trafficPermissionRbac(input));

/** The network RBAC filter for a tcp inbound; place it before the TCP proxy. */
export const networkRbacFilter = (input: TrafficPermissionInput, statPrefix: string): Filter =>
  buildNetworkRbacFilter({ ...trafficPermissionRbac(input), statPrefix });
