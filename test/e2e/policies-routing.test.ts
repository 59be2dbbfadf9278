/**
 * MeshHTTPRoute with real proxyless peers: two versions of a backend and
 * grpc-js-xds clients, each under `koguma dp run --proxyless` on 127.0.0.1,
 * routes applied only with `koguma apply -f`. What the calls do is the
 * assertion:
 *
 *   split-client ─► backend  90 % v1 / 10 % v2      (weighted backendRefs)
 *   match-client ─► backend  x-canary: true ─► v2 only; unmarked ─► both
 *   shift-client ─► backend  90/10 ─► 10/90 ─► 50/50 while calling, no failed call
 *
 * Each route selects one client service (top-level targetRef MeshService), so
 * the tests share the backends without seeing each other's routes. The mesh
 * has no default policies: a default MeshRetry would hide a call that failed
 * during a route change.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cleanUp, freePort, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';
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
  type PolicyClient,
} from '../support/policy-e2e.js';

const MESH = 'routing';

let cp: ControlPlaneProcess;

/** A MeshHTTPRoute for the clients of service `client`: calls to `backend` matching `matches` go to the versions by weight. */
function route(name: string, client: string, matches: string, weights: Record<string, number>): string {
  const refs = Object.entries(weights)
    .map(
      ([version, weight]) =>
        `                - kind: MeshServiceSubset\n                  name: backend\n                  tags: {version: ${version}}\n                  weight: ${weight}`,
    )
    .join('\n');
  return `type: MeshHTTPRoute
mesh: ${MESH}
name: ${name}
spec:
  targetRef: {kind: MeshService, name: ${client}}
  to:
    - targetRef: {kind: MeshService, name: backend}
      rules:
        - matches: [${matches}]
          default:
            backendRefs:
${refs}
`;
}

const ALL_PATHS = '{path: {type: PathPrefix, value: /}}';

const failedOf = (outcomes: readonly CallOutcome[]) => outcomes.filter((o) => o.error !== undefined);
const shareOf = (outcomes: readonly CallOutcome[], server: string) =>
  outcomes.filter((o) => o.server === server).length / outcomes.length;
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

async function startClient(
  name: string,
  options: { self?: string; rate?: number; count?: number; headers?: Record<string, string> } = {},
): Promise<PolicyClient> {
  return startPolicyClient(cp, await freePort(), { mesh: MESH, service: 'backend', name, ...options });
}

before(async () => {
  cp = await startControlPlane();
  await applyBareMesh(cp, MESH);
  for (const version of ['v1', 'v2']) {
    await startPolicyBackend(cp, {
      mesh: MESH,
      service: 'backend',
      name: `backend-${version}`,
      version,
      port: await freePort(),
    });
  }
});

after(cleanUp);

describe('MeshHTTPRoute with proxyless gRPC peers', () => {
  it('a 90/10 split between v1 and v2 lands within ±3 points over 2,000 calls', async (t) => {
    const applied = await kogumaApply(cp, route('split', 'split-client', ALL_PATHS, { v1: 90, v2: 10 }));
    assert.match(applied, /meshhttproute "split" created/);
    // The route exists before the client connects, so every call of it is routed.
    const client = await startClient('split-client', { rate: 250, count: 2_000 });
    const calls = await callsStartedSince(client, 0, 2_000, 40_000);
    const v2 = shareOf(calls, 'backend-v2');
    t.diagnostic(`2,000 calls: ${JSON.stringify(tallyOf(calls))}; v2 share ${percent(v2)}`);
    assert.deepEqual(failedOf(calls), [], 'no call failed');
    assert.ok(Math.abs(v2 - 0.1) <= 0.03, `v2 answered ${percent(v2)} of the calls, not 10 ± 3 %`);
    await client.proc.stop();
  });

  it('a header match sends marked calls to v2 only; unmarked calls still reach both versions', async (t) => {
    const applied = await kogumaApply(
      cp,
      route('canary', 'match-client', '{headers: [{type: Exact, name: x-canary, value: "true"}]}', { v2: 1 }),
    );
    assert.match(applied, /meshhttproute "canary" created/);
    const marked = await startClient('match-marked', {
      self: 'match-client',
      rate: 100,
      count: 300,
      headers: { 'x-canary': 'true' },
    });
    const unmarked = await startClient('match-unmarked', { self: 'match-client', rate: 100, count: 300 });
    const markedCalls = await callsStartedSince(marked, 0, 300, 30_000);
    const unmarkedCalls = await callsStartedSince(unmarked, 0, 300, 30_000);
    t.diagnostic(
      `marked: ${JSON.stringify(tallyOf(markedCalls))}; unmarked: ${JSON.stringify(tallyOf(unmarkedCalls))}`,
    );
    assert.deepEqual(tallyOf(markedCalls), { 'backend-v2': 300 }, 'every marked call is answered by v2');
    const unmarkedTally = tallyOf(unmarkedCalls);
    assert.deepEqual(
      Object.keys(unmarkedTally).sort(),
      ['backend-v1', 'backend-v2'],
      'unmarked calls go to both versions, and none fails',
    );
    for (const version of ['backend-v1', 'backend-v2'])
      assert.ok(unmarkedTally[version]! >= 100, `${version} answered ${unmarkedTally[version]} of 300 unmarked calls`);
    await Promise.all([marked.proc.stop(), unmarked.proc.stop()]);
  });

  it('changing the split weights while calls flow fails no call, and the traffic follows each change', async (t) => {
    await kogumaApply(cp, route('shift', 'shift-client', ALL_PATHS, { v1: 90, v2: 10 }));
    const client = await startClient('shift-client', { rate: 100 });
    const first = await waitFor(
      () => `a first answer to shift-client (stderr: ${client.proc.stderr()})`,
      () => client.outcomes().find((o) => o.server !== undefined),
      60_000,
    );
    const shares: string[] = [];
    for (const [weights, low, high] of [
      [{ v1: 10, v2: 90 }, 0.8, 1],
      [{ v1: 50, v2: 50 }, 0.35, 0.65],
      [{ v1: 90, v2: 10 }, 0, 0.2],
    ] as const) {
      const before = await configVersions(cp, MESH, 'shift-client');
      const changed = await kogumaApply(cp, route('shift', 'shift-client', ALL_PATHS, weights));
      assert.match(changed, /meshhttproute "shift" updated/);
      await waitForNewConfigAcked(cp, MESH, 'shift-client', before);
      // 300 calls (3 s) started once the client had the new route.
      const from = Date.now();
      const window = await callsStartedSince(client, from, 300, 30_000);
      const v2 = shareOf(window, 'backend-v2');
      shares.push(`${JSON.stringify(weights)}: v2 ${percent(v2)}`);
      assert.ok(v2 >= low && v2 <= high, `after the change to ${JSON.stringify(weights)} v2 answered ${percent(v2)}`);
    }
    const all = client.outcomes().filter((o) => o.at >= first.at);
    t.diagnostic(`${all.length} calls across three changes; ${shares.join('; ')}; ${JSON.stringify(tallyOf(all))}`);
    assert.deepEqual(failedOf(all), [], 'no call failed across the changes');
    await client.proc.stop();
  });
});
