/**
 * Stored policies in a few words, and the matches a test hands a plugin
 * without running the matching engine.
 *
 * Loads no xDS code: the engine's and MeshTrafficPermission's rule tests
 * import this module alone (see index.ts).
 */
import type { Labels, Resource } from '../../../api/index.js';
import type { MatchedPolicy } from '../match.js';

const EPOCH = new Date(0);

/** A stored policy of `kind` in `mesh`, version 1, made at the epoch so nothing depends on the clock. */
export function storedPolicy(
  kind: string,
  name: string,
  spec: Record<string, unknown>,
  labels: Labels = {},
  mesh = 'default',
): Resource {
  return { kind, mesh, name, labels, spec, version: 1, creationTime: EPOCH, modificationTime: EPOCH };
}

/** Policies as matched on every inbound listed, in the order given (for tests that choose the order). */
export const matchedOn = (inbounds: readonly number[], ...policies: Resource[]): MatchedPolicy[] =>
  policies.map((p) => ({ policy: p, inbounds }));

/**
 * A proxy context's `policies`: each policy matched on the given inbounds,
 * grouped by kind, in the order given (lowest priority first, as the engine
 * would sort them).
 */
export function matchedByKind(
  policies: readonly Resource[],
  inbounds: readonly number[],
): Map<string, MatchedPolicy[]> {
  const byKind = new Map<string, MatchedPolicy[]>();
  for (const policy of policies)
    byKind.set(policy.kind, [...(byKind.get(policy.kind) ?? []), ...matchedOn(inbounds, policy)]);
  return byKind;
}
