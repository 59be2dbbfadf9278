/**
 * BackendRef: where a route sends traffic (MeshHTTPRoute, MeshTCPRoute): a
 * targetRef plus a weight and a port, and the rules routes share about their
 * destinations, which depend on what the top-level targetRef selects.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Port, Strict, Uint32 } from '../../api/index.js';
import { checkTargetRef, TargetRef, type TargetRefKind } from './targetref.js';

/** Where a route may send traffic. */
export const BACKEND_REF_KINDS = [
  'MeshService',
  'MeshServiceSubset',
  'MeshExternalService',
  'MeshMultiZoneService',
] as const satisfies readonly TargetRefKind[];

/** A targetRef plus a weight and an optional port: Kuma's common BackendRef. */
export const BackendRef = <const K extends readonly TargetRefKind[]>(kinds: K) =>
  Strict({
    ...TargetRef(kinds).properties,
    weight: Type.Optional(
      Uint32({ description: 'Share of traffic, relative to the other backendRefs (default 1); 0 sends none.' }),
    ),
    port: Type.Optional(Port({ description: 'Port of a real MeshService; only with MeshService backends.' })),
  });
export type BackendRef = Static<ReturnType<typeof BackendRef<typeof BACKEND_REF_KINDS>>>;

/** Each backendRef's own targetRef rules, as for a `to[]` targetRef. */
export function checkBackendRefs(refs: readonly BackendRef[], at: string): InvalidParameter[] {
  return refs.flatMap((ref, i) => checkTargetRef(ref, `${at}[${i}]`, 'to'));
}

/** Route destinations depend on the top level: a gateway routes `Mesh`, a sidecar routes to services. */
export function checkRouteDestination(kind: string, topKind: string, at: string): InvalidParameter[] {
  if (topKind === 'MeshGateway' && kind !== 'Mesh')
    return [{ field: `${at}.kind`, reason: 'must be Mesh when the top-level targetRef is a MeshGateway' }];
  if (topKind !== 'MeshGateway' && kind === 'Mesh')
    return [{ field: `${at}.kind`, reason: 'must be MeshService, MeshExternalService or MeshMultiZoneService' }];
  return [];
}
