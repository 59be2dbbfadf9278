/**
 * targetRef: how a policy names what it applies to (top level), what it
 * configures traffic towards (`to[]`) and from whom (`from[]`). Each section
 * allows its own set of kinds; the schema states the set, `checkTargetRef` the
 * rules between fields that a schema cannot.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  type InvalidParameter,
  primitivesLabels as Labels,
  MeshName,
  ReferenceName,
  Strict,
  StringEnum,
  Tags,
} from '../../api/index.js';

/** Least to most specific: the order used when policies are ranked. */
export const TARGET_REF_KINDS = [
  'Mesh',
  'Dataplane',
  'MeshSubset',
  'MeshGateway',
  'MeshService',
  'MeshExternalService',
  'MeshMultiZoneService',
  'MeshServiceSubset',
  'MeshHTTPRoute',
] as const;
export type TargetRefKind = (typeof TARGET_REF_KINDS)[number];

/** The kinds most policies accept at the top level. */
export const TOP_LEVEL_KINDS = [
  'Mesh',
  'Dataplane',
  'MeshSubset',
  'MeshGateway',
  'MeshService',
  'MeshServiceSubset',
  'MeshHTTPRoute',
] as const satisfies readonly TargetRefKind[];
/** The top-level kinds that select proxies, without MeshHTTPRoute: for policies that cannot apply to one route. */
export const TOP_LEVEL_PROXY_KINDS = [
  'Mesh',
  'Dataplane',
  'MeshSubset',
  'MeshGateway',
  'MeshService',
  'MeshServiceSubset',
] as const satisfies readonly TargetRefKind[];
/** The top-level kinds of policies that configure a sidecar as a whole (MeshTLS, MeshPassthrough). */
export const SIDECAR_TOP_LEVEL_KINDS = ['Mesh', 'MeshSubset', 'Dataplane'] as const satisfies readonly TargetRefKind[];
/** Destinations a `to[]` entry may name. */
export const TO_KINDS = [
  'Mesh',
  'MeshService',
  'MeshExternalService',
  'MeshMultiZoneService',
] as const satisfies readonly TargetRefKind[];
/** Destinations plus a MeshHTTPRoute, for policies that can configure one route (MeshAccessLog, MeshLoadBalancingStrategy). */
export const TO_OR_ROUTE_KINDS = [...TO_KINDS, 'MeshHTTPRoute'] as const satisfies readonly TargetRefKind[];
/** Sources a `from[]` entry may name. */
export const FROM_KINDS = ['Mesh'] as const satisfies readonly TargetRefKind[];
/** Sources picked by service or subset (MeshTrafficPermission, MeshFaultInjection). */
export const FROM_SERVICE_KINDS = [
  'Mesh',
  'MeshSubset',
  'MeshService',
  'MeshServiceSubset',
] as const satisfies readonly TargetRefKind[];

export const PROXY_TYPES = ['Sidecar', 'Gateway'] as const;

/** A targetRef schema accepting the given kinds. */
export const TargetRef = <const K extends readonly TargetRefKind[]>(kinds: K) =>
  Strict({
    kind: StringEnum(kinds),
    name: Type.Optional(ReferenceName()),
    namespace: Type.Optional(ReferenceName()),
    mesh: Type.Optional(MeshName()),
    labels: Type.Optional(Labels()),
    sectionName: Type.Optional(Type.String({ minLength: 1 })),
    tags: Type.Optional(Tags()),
    proxyTypes: Type.Optional(Type.Array(StringEnum(PROXY_TYPES))),
  });

export type TargetRef = Static<ReturnType<typeof TargetRef<typeof TARGET_REF_KINDS>>>;

/** Where a targetRef stands: only the top level may filter by proxy type. */
export type TargetRefPlace = 'top' | 'to' | 'from';

/** Field rules per kind that a schema cannot express. Paths are relative to `at`. */
export function checkTargetRef(ref: TargetRef, at: string, place: TargetRefPlace): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const forbid = (field: keyof TargetRef, why: string) => {
    if (ref[field] !== undefined) issues.push({ field: `${at}.${field}`, reason: why });
  };
  const nameOrLabels = () => {
    if (ref.name === undefined && ref.labels === undefined)
      issues.push({ field: at, reason: `a ${ref.kind} targetRef needs name or labels` });
    if (ref.name !== undefined && ref.labels !== undefined)
      issues.push({ field: `${at}.labels`, reason: 'must not be set together with name' });
  };
  switch (ref.kind) {
    case 'Mesh':
      forbid('name', 'must not be set when kind is Mesh');
      forbid('labels', 'must not be set when kind is Mesh');
      forbid('tags', 'must not be set when kind is Mesh');
      forbid('sectionName', 'must not be set when kind is Mesh');
      break;
    case 'MeshSubset':
      forbid('name', 'must not be set when kind is MeshSubset');
      forbid('labels', 'must not be set when kind is MeshSubset');
      forbid('sectionName', 'must not be set when kind is MeshSubset');
      break;
    case 'MeshServiceSubset':
      if (ref.name === undefined)
        issues.push({ field: `${at}.name`, reason: 'is required when kind is MeshServiceSubset' });
      forbid('labels', 'must not be set when kind is MeshServiceSubset');
      break;
    case 'Dataplane':
      // With neither name nor labels it selects every Dataplane (narrowed by sectionName).
      if (ref.name !== undefined && ref.labels !== undefined)
        issues.push({ field: `${at}.labels`, reason: 'must not be set together with name' });
      forbid('tags', 'must not be set when kind is Dataplane');
      break;
    case 'MeshService':
    case 'MeshExternalService':
    case 'MeshMultiZoneService':
      nameOrLabels();
      forbid('tags', `must not be set when kind is ${ref.kind}`);
      break;
    case 'MeshGateway':
    case 'MeshHTTPRoute':
      nameOrLabels();
      forbid('sectionName', `must not be set when kind is ${ref.kind}`);
      break;
  }
  if (place !== 'top') forbid('proxyTypes', 'is only allowed in the top-level targetRef');
  return issues;
}
