/**
 * Endpoints joining and leaving under steady traffic, through real Envoy
 * sidecars: while a client sends requests without pause, a second instance
 * of the service joins (and gets its share), then the first one's
 * `koguma dp run` is stopped with SIGTERM. Not one request may fail.
 *
 *   churn-client ──► outbound churn ──► churn-a ──(SIGTERM)──► gone
 *                                  └──► churn-b (joins under load)
 *
 * What real Envoy showed: a joining endpoint reaches callers before its Envoy
 * listens, a leaving one stays in their endpoints after its Envoy has exited
 * (Envoy exits at once on SIGTERM, whatever --drain-time says) until the
 * control plane removes its Dataplane (--dataplane-removal-delay). Requests
 * sent to it meanwhile fail to connect, and only retries save them. With the
 * mesh's default policies they are not all saved: a retry may pick the dead
 * endpoint again, and the default MeshCircuitBreaker allows 3 retries in
 * flight, far fewer than a busy client needs. So this mesh replaces the
 * default MeshRetry and MeshCircuitBreaker with a retry that skips the
 * endpoint that failed and a retry budget above the load's concurrency: with
 * them, churn costs retries and no failures. (mTLS on, as a user's mesh
 * would have it.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeApps } from '../support/envoy-apps.js';
import { envoyTestOptions } from '../support/envoy.js';
import { envoyCounter } from '../support/envoy-counters.js';
import { failed, startHttpLoad, tallyByApp } from '../support/envoy-load.js';
import { mtlsMesh, putMesh, putPolicy } from '../support/envoy-mesh.js';
import { awaitEndpoints, outboundPort, startCaller, startInstance, type ServiceInstance } from '../support/envoy-services.js';
import type { Sidecar } from '../support/envoy-sidecar.js';
import { cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const MESH = 'churn';
const CONCURRENCY = 4;

/** A retry that never goes back to the endpoint that just failed, and room for every request in flight to retry at once. */
async function applyChurnSafePolicies(cp: ControlPlaneProcess): Promise<void> {
  const everywhere = (conf: Record<string, unknown>) => ({ targetRef: { kind: 'Mesh' }, to: [{ targetRef: { kind: 'Mesh' }, default: conf }] });
  await putPolicy(cp, {
    type: 'MeshRetry',
    mesh: MESH,
    name: 'retry-elsewhere',
    spec: everywhere({ http: { numRetries: 5, backOff: { baseInterval: '25ms', maxInterval: '250ms' }, hostSelection: [{ predicate: 'OmitPreviousHosts' }] } }),
  });
  await putPolicy(cp, { type: 'MeshCircuitBreaker', mesh: MESH, name: 'retry-budget', spec: everywhere({ connectionLimits: { maxRetries: 1024 } }) });
}

describe('endpoints joining and leaving under load through real Envoy sidecars', { ...envoyTestOptions(), timeout: 180_000 }, () => {
  let cp: ControlPlaneProcess;
  let a: ServiceInstance;
  let client: Sidecar;

  before(async () => {
    cp = await startControlPlane();
    await putMesh(cp, { ...mtlsMesh(MESH), skipCreatingInitialPolicies: ['MeshRetry', 'MeshCircuitBreaker'] });
    await putPolicy(cp, {
      type: 'MeshTrafficPermission',
      mesh: MESH,
      name: 'allow-all',
      spec: { targetRef: { kind: 'Mesh' }, from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Allow' } }] },
    });
    await applyChurnSafePolicies(cp);
    [a, client] = await Promise.all([
      startInstance(cp, { mesh: MESH, name: 'churn-a', service: 'churn', extraArgs: ['--drain-time', '5s'] }),
      startCaller(cp, { mesh: MESH, name: 'churn-client', calls: ['churn'] }),
    ]);
    await awaitEndpoints(client, { churn: [a] });
  });
  after(async () => {
    await cleanUp();
    await closeApps();
  });

  test('with retries to another endpoint and a retry budget, an instance joins and gets traffic, another leaves on SIGTERM, and no request fails', async () => {
    const retries = () => envoyCounter(client, 'cluster.churn.upstream_rq_retry');
    const retriesBefore = (await retries()) ?? 0;
    const load = startHttpLoad(outboundPort(client, 'churn'), { concurrency: CONCURRENCY });
    const marks: Record<'joining' | 'leaving' | 'left' | 'removed', number> = { joining: 0, leaving: 0, left: 0, removed: 0 };
    let b: ServiceInstance | undefined;
    try {
      await waitFor('traffic to flow', () => (load.outcomes().length >= 100 ? true : undefined), 20_000);
      marks.joining = Date.now();
      b = await startInstance(cp, { mesh: MESH, name: 'churn-b', service: 'churn' });
      await awaitEndpoints(client, { churn: [a, b] });
      const joined = b;
      await waitFor('churn-b to serve 100 requests', () => (joined.app.served() >= 100 ? true : undefined), 20_000);
      marks.leaving = Date.now();
      const status = await a.sidecar.proc.stop('SIGTERM', 20_000);
      marks.left = Date.now();
      assert.equal(status, 0, `churn-a's dp run exits 0 on SIGTERM (stderr: ${a.sidecar.proc.stderr()})`);
      await awaitEndpoints(client, { churn: [joined] });
      marks.removed = Date.now();
      await waitFor('200 more requests', () => (load.outcomes().filter((o) => o.startedAt > marks.removed).length >= 200 ? true : undefined), 20_000);
    } finally {
      await load.stop();
    }
    const outcomes = load.outcomes();
    const failures = outcomes.filter(failed);
    const between = (from: number, to = Infinity) => tallyByApp(outcomes.filter((o) => o.startedAt >= from && o.endedAt <= to));
    console.log(
      `churn: ${outcomes.length} requests, ${failures.length} failed, ${((await retries()) ?? 0) - retriesBefore} retried by the client's Envoy; ` +
        `while churn-b joined ${JSON.stringify(between(marks.joining, marks.leaving))}; churn-a's dp run exited ${marks.left - marks.leaving} ms after SIGTERM; ` +
        `until its endpoint was gone (${marks.removed - marks.left} ms) ${JSON.stringify(between(marks.left, marks.removed))}; after ${JSON.stringify(between(marks.removed))}`,
    );
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${outcomes.length} requests failed`);
    assert.ok((b?.app.served() ?? 0) >= 100, 'the new instance took its share');
    const afterRemoval = outcomes.filter((o) => o.startedAt >= marks.removed);
    assert.deepEqual(tallyByApp(afterRemoval), { 'churn-b': afterRemoval.length }, 'once gone, churn-a gets nothing');
  });
});
