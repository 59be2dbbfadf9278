/**
 * Resilience policies with real proxyless peers: configurable backends and
 * grpc-js-xds clients under `koguma dp run --proxyless` on 127.0.0.1,
 * policies applied only with `koguma apply -f`, in a mesh created without
 * the default policies (so no default retry hides a failure). Each test first
 * shows the behaviour without its policy, then applies the policy to a running
 * client and shows the change (MeshFaultInjection: to a client started after
 * it, see there):
 *
 *   flaky (fails every other call) ─ MeshRetry grpc Unavailable ──► no failed call
 *   slow (answers after 1 s) ─────── MeshTimeout requestTimeout 200ms ─► DEADLINE_EXCEEDED at ~200 ms
 *   busy (answers after 1 s) ─────── MeshCircuitBreaker maxRequests 1 ─► concurrent calls fail fast
 *   faulty ───────────────────────── MeshFaultInjection abort 50 % ───► half the calls fail
 *
 * Each policy names its own destination service, so the tests do not see each other's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cleanUp, freePort, startControlPlane, type ControlPlaneProcess } from '../support/proxyless.js';
import {
  applyBareMesh,
  applyWhileRunning,
  callsStartedSince,
  policyYaml,
  startPolicyBackend,
  startPolicyClient,
  tallyOf,
  type CallOutcome,
  type ClientOptions,
  type PolicyClient,
} from '../support/policy-e2e.js';

const MESH = 'resilience';

let cp: ControlPlaneProcess;

async function startClient(name: string, service: string, options: Partial<ClientOptions> = {}): Promise<PolicyClient> {
  return startPolicyClient(cp, await freePort(), { mesh: MESH, service, name, ...options });
}

/** Applies `yaml` while `client` runs; resolves once the client ACKed the configuration it produced. */
const applyTo = (client: PolicyClient, yaml: string): Promise<number> => applyWhileRunning(cp, MESH, [client], yaml);

/** The most calls of `calls` that were in flight at the same moment. */
function maxInFlight(calls: readonly CallOutcome[]): number {
  const events = calls
    .flatMap(
      (o) =>
        [
          [o.at - o.ms, 1],
          [o.at, -1],
        ] as const,
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, delta] of events) most = Math.max(most, (now += delta));
  return most;
}

const policy = (kind: string, name: string, spec: string) => policyYaml(MESH, kind, name, spec);

before(async () => {
  cp = await startControlPlane();
  await applyBareMesh(cp, MESH);
});

after(cleanUp);

describe('resilience policies with proxyless gRPC peers', () => {
  it('MeshRetry hides a backend that fails every other call', async (t) => {
    await startPolicyBackend(cp, {
      mesh: MESH,
      service: 'flaky',
      name: 'flaky-1',
      version: 'v1',
      port: await freePort(),
      failEvery: 2,
    });
    // One call every 100 ms: a retry (after at most 10 ms) meets the backend
    // before the next call does, so it gets the call that succeeds. Faster,
    // calls interleave with retries and can take each other's good turns.
    const client = await startClient('flaky-client', 'flaky', { rate: 10 });
    const baseline = await callsStartedSince(client, 0, 40, 30_000);
    const baselineTally = tallyOf(baseline);
    assert.ok(
      (baselineTally['failed (UNAVAILABLE)'] ?? 0) >= 15,
      `without a retry policy about half the calls fail: ${JSON.stringify(baselineTally)}`,
    );

    const from = await applyTo(
      client,
      policy(
        'MeshRetry',
        'flaky-retry',
        `  targetRef: {kind: Mesh}
  to:
    - targetRef: {kind: MeshService, name: flaky}
      default:
        grpc:
          numRetries: 3
          retryOn: [Unavailable]
          backOff: {baseInterval: 10ms, maxInterval: 50ms}
`,
      ),
    );
    const calls = await callsStartedSince(client, from, 150, 30_000);
    t.diagnostic(
      `before: ${JSON.stringify(baselineTally)}; with MeshRetry, 150 calls: ${JSON.stringify(tallyOf(calls))}; failed: ${JSON.stringify(calls.filter((o) => o.error !== undefined))}`,
    );
    assert.deepEqual(tallyOf(calls), { 'flaky-1': 150 }, 'every call succeeds once retried');
    await client.proc.stop();
  });

  it('MeshTimeout of 200ms turns a 1 s handler into DEADLINE_EXCEEDED, well within the client’s own 5 s deadline', async (t) => {
    await startPolicyBackend(cp, {
      mesh: MESH,
      service: 'slow',
      name: 'slow-1',
      version: 'v1',
      port: await freePort(),
      delayMs: 1_000,
    });
    const client = await startClient('slow-client', 'slow', { rate: 5, deadlineMs: 5_000 });
    const baseline = await callsStartedSince(client, 0, 5, 30_000);
    assert.deepEqual(tallyOf(baseline), { 'slow-1': 5 }, 'without a timeout policy the slow calls succeed');
    assert.ok(
      baseline.every((o) => o.ms >= 1_000),
      `the handler takes 1 s: ${JSON.stringify(baseline)}`,
    );

    const from = await applyTo(
      client,
      policy(
        'MeshTimeout',
        'slow-timeout',
        `  targetRef: {kind: Mesh}
  to:
    - targetRef: {kind: MeshService, name: slow}
      default:
        http:
          requestTimeout: 200ms
`,
      ),
    );
    const calls = await callsStartedSince(client, from, 10, 30_000);
    t.diagnostic(
      `with MeshTimeout: ${JSON.stringify(tallyOf(calls))}; durations ${calls.map((o) => o.ms).join(', ')} ms`,
    );
    assert.deepEqual(tallyOf(calls), { 'failed (DEADLINE_EXCEEDED)': 10 });
    for (const o of calls)
      assert.ok(o.ms >= 180 && o.ms < 800, `a call ended after ${o.ms} ms, not at the mesh's 200 ms`);
    await client.proc.stop();
  });

  it('MeshCircuitBreaker with maxRequests 1 rejects calls made while one is in flight', async (t) => {
    await startPolicyBackend(cp, {
      mesh: MESH,
      service: 'busy',
      name: 'busy-1',
      version: 'v1',
      port: await freePort(),
      delayMs: 1_000,
    });
    // A call every 100 ms, each answered after 1 s: about ten in flight at once.
    // (Calls started in the same tick would all pass: grpc-js counts a call in
    // flight only once its stream starts, after every pick of that tick.)
    const client = await startClient('busy-client', 'busy', { rate: 10 });
    const baseline = await callsStartedSince(client, 0, 10, 30_000);
    assert.deepEqual(tallyOf(baseline), { 'busy-1': 10 }, 'without a circuit breaker concurrent calls all succeed');
    assert.ok(maxInFlight(baseline) >= 5, `calls overlapped: at most ${maxInFlight(baseline)} at once`);

    const from = await applyTo(
      client,
      policy(
        'MeshCircuitBreaker',
        'busy-breaker',
        `  targetRef: {kind: Mesh}
  to:
    - targetRef: {kind: MeshService, name: busy}
      default:
        connectionLimits:
          maxRequests: 1
`,
      ),
    );
    const calls = await callsStartedSince(client, from, 30, 30_000);
    t.diagnostic(
      `with maxRequests 1, 30 calls over 3 s: ${JSON.stringify(tallyOf(calls))}; rejected in ${[...new Set(calls.filter((o) => o.error).map((o) => o.ms))].join('/')} ms`,
    );
    const answered = calls.filter((o) => o.server !== undefined);
    const rejected = calls.filter((o) => o.error !== undefined);
    assert.ok(answered.length >= 2 && answered.length <= 4, `one call a second is answered: ${answered.length} of 30`);
    assert.equal(maxInFlight(answered), 1, 'answered calls never overlap');
    assert.ok(rejected.length >= 20, `calls made while one was in flight are rejected: ${rejected.length} of 30`);
    for (const o of rejected) {
      assert.equal(o.error, 'UNAVAILABLE');
      assert.ok(o.ms < 200, `a rejected call took ${o.ms} ms: it must fail fast, not wait for the one in flight`);
    }
    await client.proc.stop();
  });

  it('MeshFaultInjection aborting 50 % of calls fails 50 ± 5 % of 2,000 calls made after it', async (t) => {
    await startPolicyBackend(cp, {
      mesh: MESH,
      service: 'faulty',
      name: 'faulty-1',
      version: 'v1',
      port: await freePort(),
    });
    const client = await startClient('faulty-client', 'faulty', { rate: 250, count: 7_500 });
    const baseline = await callsStartedSince(client, 0, 200, 30_000);
    assert.deepEqual(tallyOf(baseline), { 'faulty-1': 200 }, 'without a fault no call fails');
    const from = await applyTo(
      client,
      policy(
        'MeshFaultInjection',
        'faulty-abort',
        `  targetRef: {kind: MeshSubset, tags: {kuma.io/service: faulty-client}}
  to:
    - targetRef: {kind: Mesh}
      default:
        http:
          - abort:
              httpStatus: 503
              percentage: 50
`,
      ),
    );
    const calls = await callsStartedSince(client, from, 2_000, 40_000);
    const tally = tallyOf(calls);
    const aborted = calls.filter((o) => o.error !== undefined);
    t.diagnostic(
      `with a 50 % abort, 2,000 calls: ${JSON.stringify(tally)} (${((aborted.length / calls.length) * 100).toFixed(1)} % aborted)`,
    );
    assert.deepEqual(
      Object.keys(tally).sort(),
      ['failed (UNAVAILABLE)', 'faulty-1'],
      'calls are answered or aborted with the status of HTTP 503',
    );
    assert.ok(Math.abs(aborted.length / calls.length - 0.5) <= 0.05, `${aborted.length} of 2,000 calls aborted`);
    await client.proc.stop();
  });
});
