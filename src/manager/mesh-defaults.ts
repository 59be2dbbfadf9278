/**
 * The policies a new mesh starts with, as Kuma creates them: a MeshTimeout, a
 * MeshCircuitBreaker and a MeshRetry targeting the whole mesh. A mesh's
 * `skipCreatingInitialPolicies` lists kinds to leave out, or "*" for all.
 */
import type { ResourceDraft } from '../api/index.js';
import { defaultMeshCircuitBreakerSpec } from '../policies/meshcircuitbreaker/index.js';
import { defaultMeshRetrySpec } from '../policies/meshretry/index.js';
import { defaultMeshTimeoutSpec } from '../policies/meshtimeout/index.js';

interface InitialPolicy {
  readonly kind: string;
  /** Kuma names them `<prefix>-<mesh>`. */
  readonly namePrefix: string;
  readonly spec: () => Record<string, unknown>;
}

const initialPolicies: readonly InitialPolicy[] = [
  { kind: 'MeshTimeout', namePrefix: 'mesh-timeout-all', spec: defaultMeshTimeoutSpec },
  { kind: 'MeshCircuitBreaker', namePrefix: 'mesh-circuit-breaker-all', spec: defaultMeshCircuitBreakerSpec },
  { kind: 'MeshRetry', namePrefix: 'mesh-retry-all', spec: defaultMeshRetrySpec },
];

/** Drafts of the default policies for a mesh, honouring its skip list. */
export function initialPolicyDrafts(mesh: string, skip: readonly string[] = []): ResourceDraft[] {
  if (skip.includes('*')) return [];
  return initialPolicies
    .filter((policy) => !skip.includes(policy.kind))
    .map((policy) => ({
      kind: policy.kind,
      mesh,
      name: `${policy.namePrefix}-${mesh}`,
      labels: {},
      spec: policy.spec(),
    }));
}
