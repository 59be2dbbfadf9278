/**
 * Envoy role-based access control (envoy.config.rbac.v3): who may connect,
 * as principals built from the peer certificate's SANs, and the two filters
 * that enforce an RBAC engine on a listener.
 *
 *   RBAC {action: ALLOW | DENY, policies: {name: Policy}}
 *     Policy = (any principal matches) AND (any permission matches)
 *     ALLOW: a request is allowed iff some policy matches (no policy: all denied)
 *   HTTP filter     envoy.filters.http.rbac     {rules, shadow_rules}
 *   network filter  envoy.filters.network.rbac  {rules, shadow_rules, stat_prefix}
 *
 * `shadow_rules` are evaluated and reported (stats, dynamic metadata) but never
 * enforced. The same HTTP filter serves proxyless gRPC servers (gRFC A41),
 * which read `rules` only and ignore `shadow_rules`.
 *
 * Only what gRPC also implements is built here: `authenticated` principals
 * with an exact or prefix `principal_name`, `and_ids`, `or_ids`, `not_id`,
 * `any`, and the `any` permission. Envoy and gRPC both match `principal_name`
 * against every URI SAN of the peer certificate (then DNS SANs, then the
 * subject). Without a certificate Envoy matches nothing, while gRPC matches
 * the empty string, so an empty name is refused here: a plaintext peer must
 * never pass as authenticated.
 */
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import type { Filter } from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import {
  PermissionSchema,
  PolicySchema,
  PrincipalSchema,
  RBAC_Action,
  RBACSchema,
  type Permission,
  type Policy,
  type Principal,
  type RBAC,
} from '../../envoy/gen/envoy/config/rbac/v3/rbac_pb.js';
import { RBACSchema as HttpRbacSchema } from '../../envoy/gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js';
import { RBACSchema as NetworkRbacSchema } from '../../envoy/gen/envoy/extensions/filters/network/rbac/v3/rbac_pb.js';
import {
  HttpFilterSchema,
  type HttpFilter,
} from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { networkFilter } from './filter-chain.js';
import type { SanMatch } from './tls.js';

export { RBAC_Action };

export const HTTP_RBAC_FILTER_NAME = 'envoy.filters.http.rbac';
export const NETWORK_RBAC_FILTER_NAME = 'envoy.filters.network.rbac';

/** The message types the RBAC filters pack, for registries that print typed configs. */
export const rbacFilterSchemas = [HttpRbacSchema, NetworkRbacSchema] as const;

/** A peer whose certificate proves a name matching `match` (one of its SANs equal to, or starting with, the value). */
export function authenticatedPrincipal(match: SanMatch): Principal {
  if (('exact' in match ? match.exact : match.prefix) === '')
    throw new RangeError('authenticatedPrincipal needs a non-empty name');
  const matchPattern =
    'exact' in match
      ? ({ case: 'exact', value: match.exact } as const)
      : ({ case: 'prefix', value: match.prefix } as const);
  return create(PrincipalSchema, { identifier: { case: 'authenticated', value: { principalName: { matchPattern } } } });
}

/** Every peer, with or without a certificate. */
export const anyPrincipal = (): Principal => create(PrincipalSchema, { identifier: { case: 'any', value: true } });

/**
 * Envoy rejects an empty principal set (min_items 1), and "all of nothing"
 * versus "any of nothing" is exactly the kind of edge a caller should decide
 * on purpose, so empty lists throw. A set of the same kind inside is spliced
 * in (and(a, and(b, c)) is and(a, b, c)), and a single principal is returned
 * as is, so composed principals stay as flat as their meaning.
 */
function principalSet(kind: 'andIds' | 'orIds', principals: readonly Principal[]): Principal {
  if (principals.length === 0)
    throw new RangeError(`${kind === 'andIds' ? 'allOf' : 'anyOf'}Principals needs at least one principal`);
  const flat = principals.flatMap((p) => (p.identifier.case === kind ? p.identifier.value.ids : [p]));
  if (flat.length === 1) return flat[0]!;
  return create(PrincipalSchema, { identifier: { case: kind, value: { ids: flat } } });
}

/** Peers matching every one of `principals` (and_ids). */
export const allOfPrincipals = (principals: readonly Principal[]): Principal => principalSet('andIds', principals);

/** Peers matching at least one of `principals` (or_ids). */
export const anyOfPrincipals = (principals: readonly Principal[]): Principal => principalSet('orIds', principals);

/** Peers not matching `principal` (not_id). */
export const notPrincipal = (principal: Principal): Principal =>
  create(PrincipalSchema, { identifier: { case: 'notId', value: principal } });

/** Any request or connection, whatever it asks for. */
export const anyPermission = (): Permission => create(PermissionSchema, { rule: { case: 'any', value: true } });

/** A policy matching a peer that matches one of `principals`, for anything it asks (by default). */
export function buildRbacPolicy(
  principals: readonly Principal[],
  permissions: readonly Permission[] = [anyPermission()],
): Policy {
  return create(PolicySchema, { principals: [...principals], permissions: [...permissions] });
}

/** An RBAC engine; policies keep the order given, so generated bytes are stable. */
export function buildRbac(action: RBAC_Action, policies: ReadonlyArray<readonly [string, Policy]>): RBAC {
  const byName: Record<string, Policy> = {};
  for (const [name, policy] of policies) {
    if (Object.hasOwn(byName, name)) throw new Error(`RBAC policy name "${name}" used twice`);
    byName[name] = policy;
  }
  return create(RBACSchema, { action, policies: byName });
}

/** What an RBAC filter enforces, and optionally what it only reports. */
export interface RbacRules {
  readonly rules: RBAC;
  readonly shadowRules?: RBAC | undefined;
}

export interface HttpRbacFilterInput extends RbacRules {
  /** Prefix of the per-policy stats and dynamic metadata keys of `rules`; none by default. */
  readonly statPrefix?: string;
}

/** The HTTP filter, to place before the router in an HTTP connection manager. Never optional: a gRPC server that cannot enforce it must refuse the listener. */
export function buildHttpRbacFilter(input: HttpRbacFilterInput): HttpFilter {
  const config = create(HttpRbacSchema, {
    rules: input.rules,
    rulesStatPrefix: input.statPrefix ?? '',
    ...(input.shadowRules !== undefined ? { shadowRules: input.shadowRules } : {}),
  });
  return create(HttpFilterSchema, {
    name: HTTP_RBAC_FILTER_NAME,
    configType: { case: 'typedConfig', value: anyPack(HttpRbacSchema, config) },
  });
}

export interface NetworkRbacFilterInput extends RbacRules {
  /** Required by Envoy (min_len 1): the prefix of the filter's stats. */
  readonly statPrefix: string;
}

/** The network filter, to place before the TCP proxy; it decides once per connection, on its first bytes. */
export function buildNetworkRbacFilter(input: NetworkRbacFilterInput): Filter {
  const config = create(NetworkRbacSchema, {
    rules: input.rules,
    statPrefix: input.statPrefix,
    ...(input.shadowRules !== undefined ? { shadowRules: input.shadowRules } : {}),
  });
  return networkFilter(NETWORK_RBAC_FILTER_NAME, anyPack(NetworkRbacSchema, config));
}
