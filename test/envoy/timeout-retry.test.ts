/**
 * MeshTimeout and MeshRetry with real Envoy sidecars under `koguma dp run`:
 * a client sidecar calls, through its outbound listeners, services behind a
 * backend sidecar, each served by an app a test scripts (slow, failing every
 * other request). The mesh has no default policies, so what the traffic does
 * before a policy is Envoy's own behaviour, and after it the policy's.
 *
 *   test ──► client Envoy (outbound: slow, flaky, idle-tcp) ──► backend Envoy (inbounds) ──► apps
 *
 * Cases share the services and remove the policy they applied, so each starts
 * from a mesh without policies. None changes a cluster (timeouts and retries
 * live in routes and listeners), so each change reaches Envoy in a moment.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeApps, startTcpApp, tcpExchange, type TestApp } from '../support/envoy-apps.js';
import { envoyStat } from '../support/envoy-admin.js';
import { envoyTestOptions } from '../support/envoy.js';
import { httpIdleCloseMs, tcpIdleCloseMs } from '../support/envoy-idle.js';
import { applyPolicy, createBareMesh, removePolicy } from '../support/envoy-policies.js';
import { closeScriptedApps, startScriptedApp, type ScriptedApp } from '../support/envoy-scripted-app.js';
import type { Sidecar } from '../support/envoy-sidecar.js';
import { outboundPort, startBackendSidecar, startClientSidecar } from '../support/envoy-topology.js';
import { countBy, sendOne, sendRequests, tookAbout } from '../support/envoy-traffic.js';
import { cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const MESH = 'resilience';

let cp: ControlPlaneProcess;
let backend: Sidecar;
let client: Sidecar;
let slow: ScriptedApp;
let flaky: ScriptedApp;
let idleTcp: TestApp;

describe('MeshTimeout and MeshRetry through real Envoy sidecars', { ...envoyTestOptions(), timeout: 150_000 }, () => {
  before(async () => {
    cp = await startControlPlane();
    await createBareMesh(cp, MESH);
    slow = await startScriptedApp('slow-1');
    flaky = await startScriptedApp('flaky-1', { failEvery: 2 });
    idleTcp = await startTcpApp('idle-tcp-1');
    const backendSidecar = await startBackendSidecar(cp, MESH, 'tr-backend', [
      { service: 'slow', servicePort: slow.port },
      { service: 'flaky', servicePort: flaky.port },
      { service: 'idle-tcp', servicePort: idleTcp.port, protocol: 'tcp' },
    ]);
    backend = backendSidecar.sidecar;
    client = await startClientSidecar(cp, MESH, 'tr-client', {
      calls: ['slow', 'flaky', 'idle-tcp'],
      backends: [backendSidecar],
    });
  });
  after(async () => {
    await cleanUp();
    await closeScriptedApps();
    await closeApps();
  });

  test('MeshTimeout http.requestTimeout: a slow answer is cut with a 504 after the timeout, the backend sees its request cancelled', async (t) => {
    const port = outboundPort(client, 'slow');
    const unbounded = await sendOne(port, { headers: { 'x-delay-ms': '800' } });
    assert.equal(unbounded.status, 200, 'without a policy an 800 ms answer comes through');

    await applyPolicy(cp, [client], 'MeshTimeout', 'slow-timeout', {
      targetRef: { kind: 'Mesh' },
      to: [{ targetRef: { kind: 'MeshService', name: 'slow' }, default: { http: { requestTimeout: '300ms' } } }],
    });
    const cancelledBefore = slow.cancelled();
    const cut = await sendOne(port, { headers: { 'x-delay-ms': '3000' } });
    assert.equal(cut.status, 504, cut.body);
    assert.equal(cut.body, 'upstream request timeout');
    assert.equal(cut.app, undefined, 'Envoy answered, not the app');
    assert.ok(tookAbout(cut.ms, 300), `not before the timeout (${cut.ms} ms)`);
    await waitFor(
      'the app to see its request cancelled',
      () => (slow.cancelled() > cancelledBefore ? true : undefined),
      5_000,
    );
    const fast = await sendOne(port, { headers: { 'x-delay-ms': '20' } });
    assert.equal(fast.status, 200, 'an answer within the timeout comes through');
    t.diagnostic(`requestTimeout 300ms: 504 after ${cut.ms.toFixed(0)} ms (the app would have answered after 3000 ms)`);

    await removePolicy(cp, [client], 'MeshTimeout', 'slow-timeout');
    assert.equal(
      (await sendOne(port, { headers: { 'x-delay-ms': '800' } })).status,
      200,
      'without the policy, no timeout again',
    );
  });

  test('MeshTimeout on the inbound side (rules): the backend sidecar cuts a slow answer of its own app', async (t) => {
    const port = outboundPort(client, 'slow');
    await applyPolicy(cp, [backend], 'MeshTimeout', 'slow-inbound', {
      targetRef: { kind: 'MeshService', name: 'slow' },
      rules: [{ default: { http: { requestTimeout: '300ms' } } }],
    });
    const cancelledBefore = slow.cancelled();
    const cut = await sendOne(port, { headers: { 'x-delay-ms': '3000' } });
    assert.equal(cut.status, 504, cut.body);
    assert.equal(cut.body, 'upstream request timeout');
    assert.ok(tookAbout(cut.ms, 300), `not before the timeout (${cut.ms} ms)`);
    await waitFor(
      'the app to see its request cancelled',
      () => (slow.cancelled() > cancelledBefore ? true : undefined),
      5_000,
    );
    t.diagnostic(`inbound requestTimeout 300ms: 504 after ${cut.ms.toFixed(0)} ms, from the backend's sidecar`);

    await removePolicy(cp, [backend], 'MeshTimeout', 'slow-inbound');
    assert.equal(
      (await sendOne(port, { headers: { 'x-delay-ms': '800' } })).status,
      200,
      'without the policy, no timeout again',
    );
  });

  test('MeshTimeout idleTimeout: Envoy closes an idle TCP connection, and times out an idle HTTP connection, closing it after its drain', async (t) => {
    await applyPolicy(cp, [client], 'MeshTimeout', 'idle-timeouts', {
      targetRef: { kind: 'Mesh' },
      to: [
        { targetRef: { kind: 'MeshService', name: 'slow' }, default: { idleTimeout: '500ms' } },
        { targetRef: { kind: 'MeshService', name: 'idle-tcp' }, default: { idleTimeout: '500ms' } },
      ],
    });
    const tcpMs = await tcpIdleCloseMs(outboundPort(client, 'idle-tcp'), 'ping', 10_000);
    assert.ok(tookAbout(tcpMs, 500), `the TCP connection was closed after ${tcpMs} ms, not at once`);

    // An HTTP/1.1 connection that times out is drained first: Envoy waits the
    // connection manager's drain_timeout (5 s by default) and its delayed close
    // (1 s) before closing it. The idle timeout itself fires on time.
    const idleTimeouts = () => envoyStat(client, 'http.slow.downstream_cx_idle_timeout');
    const timedOutBefore = await idleTimeouts();
    const sentAt = performance.now();
    const closed = httpIdleCloseMs(outboundPort(client, 'slow'), 15_000);
    const firedMs = await waitFor(
      'the idle timeout of the HTTP connection',
      async () => ((await idleTimeouts()) > timedOutBefore ? performance.now() - sentAt : undefined),
      10_000,
    );
    const httpMs = await closed;
    assert.ok(tookAbout(firedMs, 500), `the HTTP idle timeout fired after ${firedMs} ms, not at once`);
    assert.equal(await idleTimeouts(), timedOutBefore + 1, 'one connection timed out');
    t.diagnostic(
      `idleTimeout 500ms: TCP connection closed ${tcpMs.toFixed(0)} ms after the last exchange; ` +
        `HTTP/1.1 idle timeout counted within ${firedMs.toFixed(0)} ms (polled every 50 ms), connection closed after ${httpMs.toFixed(0)} ms`,
    );

    await removePolicy(cp, [client], 'MeshTimeout', 'idle-timeouts');
    assert.equal(await tcpExchange(outboundPort(client, 'idle-tcp'), 'again'), 'idle-tcp-1:again');
  });

  test('MeshRetry: a backend failing every other request with 503 is hidden, each failure retried once', async (t) => {
    const port = outboundPort(client, 'flaky');
    const bare = await sendRequests(port, 20);
    assert.deepEqual(
      countBy(bare, (r) => r.status),
      { 200: 10, 503: 10 },
      'without a policy the client sees every other request fail',
    );

    await applyPolicy(cp, [client], 'MeshRetry', 'flaky-retry', {
      targetRef: { kind: 'Mesh' },
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'flaky' },
          default: { http: { numRetries: 3, retryOn: ['503'], backOff: { baseInterval: '5ms', maxInterval: '10ms' } } },
        },
      ],
    });
    const servedBefore = flaky.served();
    const retriesBefore = await envoyStat(client, 'cluster.flaky.upstream_rq_retry');
    const retried = await sendRequests(port, 100);
    assert.deepEqual(
      countBy(retried, (r) => r.status),
      { 200: 100 },
      'no failure reaches the client',
    );
    const served = flaky.served() - servedBefore;
    const retries = (await envoyStat(client, 'cluster.flaky.upstream_rq_retry')) - retriesBefore;
    assert.ok(served > 100, `the backend saw more requests (${served}) than the client sent (100)`);
    assert.equal(retries, served - 100, "every request beyond the client's was one of Envoy's retries");
    t.diagnostic(
      `retryOn [503], 50 % failing backend: 100/100 succeeded, backend served ${served}, Envoy retried ${retries}`,
    );

    await removePolicy(cp, [client], 'MeshRetry', 'flaky-retry');
  });

  test('MeshRetry perTryTimeout: each attempt at a slow backend is cut and retried, numRetries + 1 attempts in all', async (t) => {
    const port = outboundPort(client, 'slow');
    await applyPolicy(cp, [client], 'MeshRetry', 'slow-per-try', {
      targetRef: { kind: 'Mesh' },
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'slow' },
          default: {
            http: {
              numRetries: 2,
              perTryTimeout: '200ms',
              retryOn: ['5xx'],
              backOff: { baseInterval: '5ms', maxInterval: '10ms' },
            },
          },
        },
      ],
    });
    const servedBefore = slow.served();
    const cancelledBefore = slow.cancelled();
    const cut = await sendOne(port, { headers: { 'x-delay-ms': '2000' } });
    assert.equal(cut.status, 504, cut.body);
    assert.equal(cut.body, 'upstream request timeout');
    assert.ok(tookAbout(cut.ms, 600), `three attempts of 200 ms (${cut.ms} ms)`);
    assert.equal(slow.served() - servedBefore, 3, 'the backend saw the request and two retries');
    await waitFor(
      'the app to see three cancelled attempts',
      () => (slow.cancelled() - cancelledBefore === 3 ? true : undefined),
      5_000,
    );
    const quick = await sendOne(port, { headers: { 'x-delay-ms': '20' } });
    assert.equal(quick.status, 200);
    t.diagnostic(
      `perTryTimeout 200ms, numRetries 2: 504 after ${cut.ms.toFixed(0)} ms, 3 attempts reached the app and were cancelled`,
    );

    await removePolicy(cp, [client], 'MeshRetry', 'slow-per-try');
  });

  test('MeshRetry retryOn is honoured: a 500 is not retried under ["503"], and is under ["5xx"]', async (t) => {
    const port = outboundPort(client, 'flaky');
    const retry = (retryOn: string[]) => ({
      targetRef: { kind: 'Mesh' },
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'flaky' },
          default: { http: { numRetries: 3, retryOn, backOff: { baseInterval: '5ms', maxInterval: '10ms' } } },
        },
      ],
    });
    const fail500 = { headers: { 'x-fail-status': '500' } };

    await applyPolicy(cp, [client], 'MeshRetry', 'flaky-retry-on', retry(['503']));
    let failedBefore = flaky.failed();
    let retriesBefore = await envoyStat(client, 'cluster.flaky.upstream_rq_retry');
    const notRetried = await sendRequests(port, 20, fail500);
    const fails = countBy(notRetried, (r) => r.status)['500'] ?? 0;
    assert.equal(fails, flaky.failed() - failedBefore, 'every 500 the app gave reached the client');
    assert.equal(fails, 10);
    assert.equal(await envoyStat(client, 'cluster.flaky.upstream_rq_retry'), retriesBefore, 'nothing retried');

    await applyPolicy(cp, [client], 'MeshRetry', 'flaky-retry-on', retry(['5xx']));
    failedBefore = flaky.failed();
    retriesBefore = await envoyStat(client, 'cluster.flaky.upstream_rq_retry');
    const retried = await sendRequests(port, 20, fail500);
    assert.deepEqual(
      countBy(retried, (r) => r.status),
      { 200: 20 },
    );
    const failedNow = flaky.failed() - failedBefore;
    assert.ok(failedNow > 0, 'the app did fail some');
    assert.equal(
      (await envoyStat(client, 'cluster.flaky.upstream_rq_retry')) - retriesBefore,
      failedNow,
      'each 500 retried once',
    );
    t.diagnostic(
      `500s over 20 requests: retryOn [503] → ${fails} reached the client, 0 retried; retryOn [5xx] → 0 reached it, ${failedNow} retried`,
    );

    await removePolicy(cp, [client], 'MeshRetry', 'flaky-retry-on');
  });
});
