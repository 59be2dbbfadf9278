/**
 * Locality awareness across `kuma.io/zone`, as priorities in a destination's
 * ClusterLoadAssignment (one locality per zone, all priority 0 as generated):
 *
 *   priority 0   the proxy's own zone
 *   priority 1.. other zones, in the order of `crossZone.failover` rules whose
 *                `from` includes the proxy's zone (Any, Only, AnyExcept; None
 *                stops); without `crossZone`, every other zone at priority 1
 *   (dropped)    zones no applicable rule reaches: no traffic crosses to them
 *
 * Both Envoy and gRPC (gRFC A27 priority policy) send to the lowest priority
 * that has healthy endpoints; Envoy spills over earlier, by the share of
 * healthy endpoints, which `failoverThreshold` sets through the
 * overprovisioning factor. Priorities are renumbered to stay contiguous from
 * 0 (grpc-js-xds rejects a gap).
 */
import { create } from '@bufbuild/protobuf';
import {
  ClusterLoadAssignment_PolicySchema,
  type ClusterLoadAssignment,
} from '../../xds/envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { MeshLoadBalancingStrategyConf } from './schema.js';

export type LocalityAwareness = NonNullable<MeshLoadBalancingStrategyConf['localityAwareness']>;
type Failover = NonNullable<NonNullable<LocalityAwareness['crossZone']>['failover']>[number];

/** Whether the conf asks for zone preference at all: on unless disabled, and a `localZone` or `crossZone` section overrides `disabled` (as in Kuma). */
export const prefersLocalZone = (locality: LocalityAwareness | undefined): boolean =>
  locality?.disabled !== true || locality.localZone !== undefined || locality.crossZone !== undefined;

/** The priority of each zone other than the local one; zones absent from the map get no traffic. */
function crossZonePriorities(
  localZone: string,
  zones: readonly string[],
  failover: readonly Failover[] | undefined,
): Map<string, number> {
  const others = zones.filter((zone) => zone !== localZone);
  if (failover === undefined) return new Map(others.map((zone) => [zone, 1]));
  const priorities = new Map<string, number>();
  let level = 1;
  for (const rule of failover) {
    if (rule.from !== undefined && !rule.from.zones.includes(localZone)) continue;
    if (rule.to.type === 'None') break;
    const listed = rule.to.zones ?? [];
    const reached = others.filter((zone) => {
      if (priorities.has(zone)) return false;
      if (rule.to.type === 'Only') return listed.includes(zone);
      if (rule.to.type === 'AnyExcept') return !listed.includes(zone);
      return true;
    });
    for (const zone of reached) priorities.set(zone, level);
    if (reached.length > 0) level++;
  }
  return priorities;
}

/** Overprovisioning factor for a failover threshold: a priority keeps all traffic while its healthy share times the factor is 100 % or more. */
const overprovisioningFactorOf = (threshold: number): number => Math.round(10_000 / threshold);

/** Rewrites the priorities of an assignment the caller owns (an edited copy) for a proxy in `localZone`. */
export function preferZone(
  assignment: ClusterLoadAssignment,
  localZone: string,
  locality: LocalityAwareness | undefined,
): void {
  const zones = assignment.endpoints.map((group) => group.locality?.zone ?? '');
  const cross = crossZonePriorities(localZone, zones, locality?.crossZone?.failover);
  const levelOf = (zone: string): number | undefined => (zone === localZone ? 0 : cross.get(zone));
  const kept = assignment.endpoints.filter((group) => levelOf(group.locality?.zone ?? '') !== undefined);
  const levels = [...new Set(kept.map((group) => levelOf(group.locality?.zone ?? '')!))].sort((a, b) => a - b);
  for (const group of kept) group.priority = levels.indexOf(levelOf(group.locality?.zone ?? '')!);
  assignment.endpoints = kept.sort((a, b) => a.priority - b.priority);
  const threshold = locality?.crossZone?.failoverThreshold?.percentage;
  if (threshold !== undefined && Number(threshold) > 0) {
    assignment.policy ??= create(ClusterLoadAssignment_PolicySchema);
    assignment.policy.overprovisioningFactor = overprovisioningFactorOf(Number(threshold));
  }
}
