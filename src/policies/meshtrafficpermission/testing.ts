/**
 * Test support for the MeshTrafficPermission RBAC tests: stored policies in a
 * few words, clients as the URI SANs their certificates would carry, and a
 * small interpreter of Envoy RBAC messages, so tests assert who gets in rather
 * than the shape of the message. Not imported by production code.
 *
 * The interpreter follows Envoy's documented evaluation: an ALLOW engine lets
 * a client in iff some policy has a matching principal and a matching
 * permission; DENY the reverse. It knows only the principal and permission
 * kinds the generator is meant to use and throws on any other, so a generator
 * that starts emitting something new fails the tests until it is understood.
 */
import type { Labels, Resource } from '../../api/resource.js';
import { workloadUris, type WorkloadTags } from '../../mtls/index.js';
import {
  RBAC_Action,
  type Permission,
  type Principal,
  type RBAC,
} from '../../xds/envoy/gen/envoy/config/rbac/v3/rbac_pb.js';
import type { StringMatcher } from '../../xds/envoy/gen/envoy/type/matcher/v3/string_pb.js';
import type { RbacRules } from '../../xds/generate/builders/rbac.js';
import { fromRules, inboundRules } from '../core/from-rules.js';
import { matchedOn, storedPolicy } from '../core/testkit/policies.js';
import type { TrafficPermissionInput } from './rbac.js';

/** A stored MeshTrafficPermission in mesh `default`. */
export const mtp = (name: string, spec: Record<string, unknown>, labels: Labels = {}): Resource =>
  storedPolicy('MeshTrafficPermission', name, spec, labels);

/** The generator input for inbound 0 of a proxy every given policy selects (core sorts them by priority). */
export function inputFor(policies: readonly Resource[], mesh = 'default'): TrafficPermissionInput {
  const matched = matchedOn([0], ...policies);
  return { mesh, fromRules: fromRules(matched, 0), inboundRules: inboundRules(matched, 0) };
}

/** A peer as RBAC sees it: the URI SANs of its certificate, or no certificate at all (plaintext). */
export interface Peer {
  readonly uriSans: readonly string[];
  readonly hasCertificate: boolean;
}

/** A workload of `mesh` with these tags (one value each, or several), its certificate issued as src/mtls issues them. */
export function workload(tags: Readonly<Record<string, string | readonly string[]>>, mesh = 'default'): Peer {
  const all: WorkloadTags = Object.fromEntries(
    Object.entries(tags).map(([tag, value]) => [tag, typeof value === 'string' ? [value] : value]),
  );
  return { uriSans: workloadUris(mesh, all), hasCertificate: true };
}

/** A service's workload: `kuma.io/service` plus other tags. */
export const service = (name: string, tags: Readonly<Record<string, string>> = {}, mesh = 'default'): Peer =>
  workload({ 'kuma.io/service': name, ...tags }, mesh);

export const plaintextPeer: Peer = { uriSans: [], hasCertificate: false };

function stringMatches(matcher: StringMatcher | undefined, value: string): boolean {
  if (matcher === undefined) throw new Error('StringMatcher unset');
  if (matcher.ignoreCase) throw new Error('the interpreter does not implement ignore_case');
  switch (matcher.matchPattern.case) {
    case 'exact':
      return value === matcher.matchPattern.value;
    case 'prefix':
      return value.startsWith(matcher.matchPattern.value);
    default:
      throw new Error(`the interpreter does not implement the ${matcher.matchPattern.case} string matcher`);
  }
}

export function principalMatches(principal: Principal, peer: Peer): boolean {
  const id = principal.identifier;
  switch (id.case) {
    case 'andIds':
      return id.value.ids.every((inner) => principalMatches(inner, peer));
    case 'orIds':
      return id.value.ids.some((inner) => principalMatches(inner, peer));
    case 'notId':
      return !principalMatches(id.value, peer);
    case 'any':
      return true;
    case 'authenticated':
      if (!peer.hasCertificate) return false;
      if (id.value.principalName === undefined) return true;
      return peer.uriSans.some((san) => stringMatches(id.value.principalName, san));
    default:
      throw new Error(`the interpreter does not implement the ${id.case} principal`);
  }
}

function permissionMatches(permission: Permission): boolean {
  if (permission.rule.case !== 'any')
    throw new Error(`the interpreter does not implement the ${permission.rule.case} permission`);
  return true;
}

/** Whether an RBAC engine lets the peer in. */
export function engineAllows(rbac: RBAC, peer: Peer): boolean {
  const matched = Object.values(rbac.policies).some(
    (policy) => policy.principals.some((p) => principalMatches(p, peer)) && policy.permissions.some(permissionMatches),
  );
  switch (rbac.action) {
    case RBAC_Action.ALLOW:
      return matched;
    case RBAC_Action.DENY:
      return !matched;
    default:
      throw new Error(`the interpreter does not implement action ${rbac.action}`);
  }
}

/** What happens to the peer, in MeshTrafficPermission's words. */
export type Outcome = 'Allow' | 'Deny' | 'AllowWithShadowDeny';

/** The enforced engine decides; the shadow engine (the enforced one when absent) says whether a let-in peer is reported denied. */
export function outcomeFor(rbac: RbacRules, peer: Peer): Outcome {
  const enforced = engineAllows(rbac.rules, peer);
  const shadow = rbac.shadowRules === undefined ? enforced : engineAllows(rbac.shadowRules, peer);
  if (!enforced && shadow) throw new Error('the shadow engine allows a peer the enforced engine denies');
  return !enforced ? 'Deny' : shadow ? 'Allow' : 'AllowWithShadowDeny';
}
