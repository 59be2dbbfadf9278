/**
 * MeshLoadBalancingStrategy RingHash with real proxyless peers: three
 * backends and a grpc-js-xds client under `koguma dp run --proxyless` on
 * 127.0.0.1, the policy applied with `koguma apply -f` while the client calls:
 *
 *   client (x-user: key-0 ... key-7) ─► backend-1..3   round robin: a key lands anywhere
 *   RingHash, hash policy Header x-user ─────────────► each key on one backend
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cleanUp, freePort, startControlPlane, type ControlPlaneProcess } from '../support/proxyless.js';
import {
  applyBareMesh,
  callsStartedSince,
  configVersions,
  kogumaApply,
  startPolicyBackend,
  startPolicyClient,
  tallyOf,
  waitForNewConfigAcked,
  type CallOutcome,
} from '../support/policy-e2e.js';

const MESH = 'balancing';
const KEYS = 8;

let cp: ControlPlaneProcess;

/** The backends that answered each hash key. */
function backendsPerKey(calls: readonly CallOutcome[]): Record<string, string[]> {
  const seen = new Map<string, Set<string>>();
  for (const o of calls) {
    if (o.key === undefined || o.server === undefined) continue;
    seen.set(o.key, (seen.get(o.key) ?? new Set()).add(o.server));
  }
  return Object.fromEntries(
    [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([key, servers]) => [key, [...servers].sort()]),
  );
}

before(async () => {
  cp = await startControlPlane();
  await applyBareMesh(cp, MESH);
  for (const n of [1, 2, 3])
    await startPolicyBackend(cp, {
      mesh: MESH,
      service: 'backend',
      name: `backend-${n}`,
      version: 'v1',
      port: await freePort(),
    });
});

after(cleanUp);

describe('MeshLoadBalancingStrategy with proxyless gRPC peers', () => {
  it('RingHash with a header hash policy keeps each key on one backend', async (t) => {
    const client = startPolicyClient(cp, await freePort(), {
      mesh: MESH,
      service: 'backend',
      name: 'client',
      rate: 50,
      keyHeader: 'x-user',
      keys: KEYS,
    });
    // Round robin first: calls of one key reach several backends.
    const baseline = await callsStartedSince(client, 0, 48);
    const spread = backendsPerKey(baseline);
    assert.ok(
      Object.values(spread).some((servers) => servers.length > 1),
      `without the policy a key reaches several backends: ${JSON.stringify(spread)}`,
    );

    const before = await configVersions(cp, MESH, 'client');
    await kogumaApply(
      cp,
      `type: MeshLoadBalancingStrategy
mesh: ${MESH}
name: ring-hash
spec:
  targetRef: {kind: Mesh}
  to:
    - targetRef: {kind: MeshService, name: backend}
      default:
        loadBalancer:
          type: RingHash
          ringHash:
            hashPolicies:
              - type: Header
                header: {name: x-user}
`,
    );
    await waitForNewConfigAcked(cp, MESH, 'client', before);
    const from = Date.now();
    const calls = await callsStartedSince(client, from, 400);
    const placement = backendsPerKey(calls);
    t.diagnostic(
      `with RingHash, 400 calls over ${KEYS} keys: ${JSON.stringify(placement)}; ${JSON.stringify(tallyOf(calls))}`,
    );
    assert.equal(calls.filter((o) => o.error !== undefined).length, 0, 'no call failed');
    assert.equal(Object.keys(placement).length, KEYS, 'every key was answered');
    for (const [key, servers] of Object.entries(placement))
      assert.equal(servers.length, 1, `${key} was answered by ${servers.join(', ')}`);
    // Keys are spread over the ring, not all pinned to one backend (all 8 on one of 3: p < 0.001).
    assert.ok(new Set(Object.values(placement).flat()).size > 1, 'the keys are spread over more than one backend');
    await client.proc.stop();
  });
});
