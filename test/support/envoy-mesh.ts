/**
 * Meshes and policies for the real-Envoy tests, written over the control
 * plane's REST API, and the wait that makes a change safe to test: every
 * sidecar it affects was served a new configuration and ACKed all of it
 * (Envoy ACKs an update once it has applied it, so traffic sent afterwards
 * meets the new configuration).
 *
 *   await changeAndAwait(cp, [client], () => putPolicy(cp, route))
 *   ... traffic ... asserts ...
 *   await changeAndAwait(cp, [client], () => deletePolicy(cp, route))
 */
import { pluralOf } from '../../src/api/kind.js';
import { configVersions, waitForNewConfigAcked } from './policy-e2e.js';
import { api, type ControlPlaneProcess } from './proxyless.js';
import type { Sidecar } from './envoy-sidecar.js';

export interface MtlsOptions {
  readonly mode?: 'STRICT' | 'PERMISSIVE';
  /** `dpCert.rotation.expiration`, e.g. `20s`. */
  readonly certLifetime?: string;
}

/** A Mesh document with a builtin CA (backend `ca-1`). */
export function mtlsMesh(name: string, options: MtlsOptions = {}): Record<string, unknown> {
  return {
    type: 'Mesh',
    name,
    mtls: {
      enabledBackend: 'ca-1',
      backends: [
        {
          name: 'ca-1',
          type: 'builtin',
          mode: options.mode ?? 'STRICT',
          ...(options.certLifetime === undefined ? {} : { dpCert: { rotation: { expiration: options.certLifetime } } }),
        },
      ],
    },
  };
}

/** Creates or replaces a Mesh; fails unless the API accepts it. */
export async function putMesh(cp: ControlPlaneProcess, mesh: Record<string, unknown>): Promise<void> {
  const { status, body } = await api(cp, 'PUT', `/meshes/${String(mesh['name'])}`, mesh);
  if (status !== 200 && status !== 201)
    throw new Error(`PUT mesh ${String(mesh['name'])}: ${status} ${JSON.stringify(body)}`);
}

export interface PolicyDocument {
  readonly type: string;
  readonly mesh: string;
  readonly name: string;
  readonly spec: Record<string, unknown>;
}

const policyPath = (policy: Pick<PolicyDocument, 'type' | 'mesh' | 'name'>): string =>
  `/meshes/${policy.mesh}/${pluralOf(policy.type.toLowerCase())}/${policy.name}`;

/** Creates or replaces a policy; fails unless the API accepts it. */
export async function putPolicy(cp: ControlPlaneProcess, policy: PolicyDocument): Promise<void> {
  const { status, body } = await api(cp, 'PUT', policyPath(policy), policy);
  if (status !== 200 && status !== 201)
    throw new Error(`PUT ${policy.type} ${policy.name}: ${status} ${JSON.stringify(body)}`);
}

/** A mesh with mTLS in which every service may call every other (the MeshTrafficPermission `allow-all`). */
export async function putOpenMtlsMesh(cp: ControlPlaneProcess, mesh: string, options: MtlsOptions = {}): Promise<void> {
  await putMesh(cp, mtlsMesh(mesh, options));
  await putPolicy(cp, {
    type: 'MeshTrafficPermission',
    mesh,
    name: 'allow-all',
    spec: { targetRef: { kind: 'Mesh' }, from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Allow' } }] },
  });
}

export async function deletePolicy(
  cp: ControlPlaneProcess,
  policy: Pick<PolicyDocument, 'type' | 'mesh' | 'name'>,
): Promise<void> {
  const { status, body } = await api(cp, 'DELETE', policyPath(policy));
  if (status !== 200) throw new Error(`DELETE ${policy.type} ${policy.name}: ${status} ${JSON.stringify(body)}`);
}

/**
 * Runs `change` and waits until each of `sidecars` ACKed a configuration
 * other than the one it had before (fails at once on a NACK). Only sidecars
 * whose configuration the change alters belong in the list.
 */
export async function changeAndAwait(
  cp: ControlPlaneProcess,
  sidecars: readonly Sidecar[],
  change: () => Promise<void>,
  timeoutMs = 20_000,
): Promise<void> {
  const before = await Promise.all(sidecars.map((s) => configVersions(cp, s.mesh, s.name)));
  await change();
  await Promise.all(sidecars.map((s, i) => waitForNewConfigAcked(cp, s.mesh, s.name, before[i]!, timeoutMs)));
}

/** putPolicy, awaited on `sidecars` (changeAndAwait). */
export const applyPolicy = (
  cp: ControlPlaneProcess,
  sidecars: readonly Sidecar[],
  policy: PolicyDocument,
): Promise<void> => changeAndAwait(cp, sidecars, () => putPolicy(cp, policy));

/** deletePolicy, awaited on `sidecars` (changeAndAwait). */
export const removePolicy = (
  cp: ControlPlaneProcess,
  sidecars: readonly Sidecar[],
  policy: PolicyDocument,
): Promise<void> => changeAndAwait(cp, sidecars, () => deletePolicy(cp, policy));
