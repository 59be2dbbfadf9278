/**
 * MeshTCPRoute: TCP routing for outbound traffic: each `to[]` destination gets
 * one rule whose backendRefs split connections by weight (canary, blue-green,
 * migration). There is no matching at L4, hence at most one rule per entry.
 * A MeshHTTPRoute for the same destination takes precedence.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Strict } from '../../api/index.js';
import {
  BACKEND_REF_KINDS,
  BackendRef,
  checkBackendRefs,
  checkRouteDestination,
  definePolicy,
  TargetRef,
  TO_KINDS,
  TOP_LEVEL_PROXY_KINDS,
} from '../core/index.js';

export const MeshTCPRouteConf = Strict({
  backendRefs: Type.Optional(
    Type.Array(BackendRef(BACKEND_REF_KINDS), { description: 'Where connections go, split by weight; required.' }),
  ),
});
export type MeshTCPRouteConf = Static<typeof MeshTCPRouteConf>;

export const MeshTCPRouteSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_PROXY_KINDS)),
  to: Type.Optional(
    Type.Array(
      Strict({
        targetRef: TargetRef(TO_KINDS),
        rules: Type.Array(Strict({ default: MeshTCPRouteConf }), {
          maxItems: 1,
          description: 'One rule: TCP routes have no matches.',
        }),
      }),
      { minItems: 1 },
    ),
  ),
});
export type MeshTCPRouteSpec = Static<typeof MeshTCPRouteSpec>;

function checkMeshTCPRoute(spec: MeshTCPRouteSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const topKind = spec.targetRef?.kind ?? 'Mesh';
  spec.to?.forEach((to, t) => {
    issues.push(...checkRouteDestination(to.targetRef.kind, topKind, `to[${t}].targetRef`));
    to.rules.forEach((rule, r) => {
      const at = `to[${t}].rules[${r}].default.backendRefs`;
      const refs = rule.default.backendRefs ?? [];
      if (refs.length === 0) issues.push({ field: at, reason: 'must have at least one backendRef' });
      issues.push(...checkBackendRefs(refs, at));
    });
  });
  return issues;
}

export const MeshTCPRouteKind = definePolicy({
  name: 'MeshTCPRoute',
  shortName: 'mtcpr',
  order: 200,
  acts: 'outbound',
  spec: MeshTCPRouteSpec,
  check: checkMeshTCPRoute,
});
