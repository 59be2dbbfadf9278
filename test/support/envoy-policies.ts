/**
 * Policies for tests with real Envoy sidecars: a mesh without the default
 * policies (the default MeshRetry and MeshCircuitBreaker would hide or eject
 * the very failures a test needs to see), and a policy applied or removed
 * over the REST API, resolved once every sidecar it changes has ACKed its new
 * configuration and has nothing warming or draining, so the next request
 * goes through what the policy made.
 *
 *   PUT /meshes/{mesh}/{kind plural}/{name} ──► each affected sidecar ACKs a newer version
 *                                           ──► its Envoy has no warming cluster, no warming or draining listener
 */
import { pluralOf } from '../../src/api/kind.js';
import { waitForEnvoySettled } from './envoy-admin.js';
import type { Sidecar } from './envoy-sidecar.js';
import { configVersions, waitForNewConfigAcked } from './policy-e2e.js';
import { api, type ControlPlaneProcess } from './proxyless.js';

/** A mesh with none of the default policies, over REST. */
export async function createBareMesh(cp: ControlPlaneProcess, mesh: string): Promise<void> {
  const answer = await api(cp, 'PUT', `/meshes/${mesh}`, {
    type: 'Mesh',
    name: mesh,
    skipCreatingInitialPolicies: ['*'],
  });
  if (answer.status !== 201 && answer.status !== 200)
    throw new Error(`PUT /meshes/${mesh}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

export const policyPath = (mesh: string, kind: string, name: string): string =>
  `/meshes/${mesh}/${pluralOf(kind.toLowerCase())}/${name}`;

/** PUT of a policy; fails on anything but 200/201. */
export async function putPolicy(
  cp: ControlPlaneProcess,
  mesh: string,
  kind: string,
  name: string,
  spec: unknown,
): Promise<void> {
  const answer = await api(cp, 'PUT', policyPath(mesh, kind, name), { type: kind, mesh, name, spec });
  if (answer.status !== 201 && answer.status !== 200)
    throw new Error(`PUT ${kind} ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/**
 * How long a change may take to reach Envoy. Envoy ACKs a changed cluster
 * only once it has warmed, and a cluster whose endpoints are not sent again
 * warms when its initial fetch times out (15 s).
 */
const CHANGE_TIMEOUT_MS = 40_000;

/**
 * Runs `change` and waits until each of `affected` ACKed the configuration it
 * produced and its Envoy settled; resolves with the milliseconds that took.
 */
async function changeAndSettle(
  cp: ControlPlaneProcess,
  affected: readonly Sidecar[],
  change: () => Promise<void>,
): Promise<number> {
  const before = await Promise.all(affected.map((sidecar) => configVersions(cp, sidecar.mesh, sidecar.name)));
  const started = performance.now();
  await change();
  await Promise.all(
    affected.map((sidecar, i) => waitForNewConfigAcked(cp, sidecar.mesh, sidecar.name, before[i]!, CHANGE_TIMEOUT_MS)),
  );
  await Promise.all(affected.map((sidecar) => waitForEnvoySettled(sidecar, CHANGE_TIMEOUT_MS)));
  return performance.now() - started;
}

/**
 * Applies a policy and resolves once it carries traffic on `affected` (the
 * sidecars whose configuration it changes: the callers for `to`, the
 * destination's sidecar for `from`/`rules`); resolves with the milliseconds
 * from the PUT to then.
 */
export function applyPolicy(
  cp: ControlPlaneProcess,
  affected: readonly Sidecar[],
  kind: string,
  name: string,
  spec: unknown,
): Promise<number> {
  const mesh = affected[0]?.mesh ?? 'default';
  return changeAndSettle(cp, affected, () => putPolicy(cp, mesh, kind, name, spec));
}

/** Deletes a policy and resolves once `affected` run without it. */
export function removePolicy(
  cp: ControlPlaneProcess,
  affected: readonly Sidecar[],
  kind: string,
  name: string,
): Promise<number> {
  const mesh = affected[0]?.mesh ?? 'default';
  return changeAndSettle(cp, affected, async () => {
    const answer = await api(cp, 'DELETE', policyPath(mesh, kind, name));
    if (answer.status !== 200 && answer.status !== 204)
      throw new Error(`DELETE ${kind} ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
  });
}
