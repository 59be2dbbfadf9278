/**
 * MeshCircuitBreaker and MeshHealthCheck with real Envoy sidecars under
 * `koguma dp run`: a client sidecar calls services behind a backend sidecar;
 * `ejectable` and `checked` have two endpoints each (two inbounds, an app
 * each), one of which a test makes fail. The mesh has no default policies.
 *
 *   test ──► client Envoy (outbound: ejectable, limited, checked) ──► backend Envoy ──► ej-good | ej-bad
 *                                                                                   ──► limited-1 (slow on request)
 *                                                                                   ──► hc-a | hc-b (GET /health scripted)
 *
 * Each case uses its own service and policy. The policies are left in place:
 * each changes a cluster, which takes Envoy's 15 s initial fetch timeout to
 * warm today (the control plane does not send the cluster's unchanged
 * endpoints again), and no later case calls that service.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { envoyStat, hostHealth, routable, waitForHostHealth } from '../support/envoy-admin.js';
import { envoyTestOptions } from '../support/envoy.js';
import { applyPolicy, createBareMesh } from '../support/envoy-policies.js';
import { closeScriptedApps, startScriptedApp, type ScriptedApp } from '../support/envoy-scripted-app.js';
import type { Sidecar } from '../support/envoy-sidecar.js';
import {
  outboundPort,
  startBackendSidecar,
  startClientSidecar,
  type BackendSidecar,
} from '../support/envoy-topology.js';
import { countBy, sendRequests } from '../support/envoy-traffic.js';
import { cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const MESH = 'breakers';

let cp: ControlPlaneProcess;
let backend: BackendSidecar;
let client: Sidecar;
const apps: Record<string, ScriptedApp> = {};

describe(
  'MeshCircuitBreaker and MeshHealthCheck through real Envoy sidecars',
  { ...envoyTestOptions(), timeout: 150_000 },
  () => {
    before(async () => {
      cp = await startControlPlane();
      await createBareMesh(cp, MESH);
      apps['ej-good'] = await startScriptedApp('ej-good');
      apps['ej-bad'] = await startScriptedApp('ej-bad', { failEvery: 1, failStatus: 500 });
      apps['limited-1'] = await startScriptedApp('limited-1');
      apps['hc-a'] = await startScriptedApp('hc-a');
      apps['hc-b'] = await startScriptedApp('hc-b');
      backend = await startBackendSidecar(cp, MESH, 'cb-backend', [
        { service: 'ejectable', servicePort: apps['ej-good'].port },
        { service: 'ejectable', servicePort: apps['ej-bad'].port },
        { service: 'limited', servicePort: apps['limited-1'].port },
        { service: 'checked', servicePort: apps['hc-a'].port },
        { service: 'checked', servicePort: apps['hc-b'].port },
      ]);
      client = await startClientSidecar(cp, MESH, 'cb-client', {
        calls: ['ejectable', 'limited', 'checked'],
        backends: [backend],
      });
    });
    after(async () => {
      await cleanUp();
      await closeScriptedApps();
    });

    test('outlier detection: after 3 consecutive 5xx the failing endpoint is ejected, traffic goes to the healthy one only', async (t) => {
      const port = outboundPort(client, 'ejectable');
      const bad = backend.endpoint(1);
      const bare = await sendRequests(port, 20);
      assert.deepEqual(
        countBy(bare, (r) => `${r.app} ${r.status}`),
        { 'ej-good 200': 10, 'ej-bad 500': 10 },
        'without a policy both endpoints take turns',
      );

      await applyPolicy(cp, [client], 'MeshCircuitBreaker', 'eject-failing', {
        targetRef: { kind: 'Mesh' },
        to: [
          {
            targetRef: { kind: 'MeshService', name: 'ejectable' },
            default: {
              outlierDetection: {
                interval: '1s',
                baseEjectionTime: '1m',
                maxEjectionPercent: 100,
                detectors: { totalFailures: { consecutive: 3 } },
              },
            },
          },
        ],
      });
      const ejectionsBefore = await envoyStat(
        client,
        'cluster.ejectable.outlier_detection.ejections_enforced_consecutive_5xx',
      );
      const replies = await sendRequests(port, 60);
      const failures = replies.filter((r) => r.status !== 200);
      assert.ok(
        failures.length >= 3 && failures.every((r) => r.app === 'ej-bad' && r.status === 500),
        `the bad endpoint answered its 3 failures first: ${JSON.stringify(countBy(failures, (r) => r.app))}`,
      );
      assert.deepEqual(
        countBy(replies.slice(-40), (r) => `${r.app} ${r.status}`),
        { 'ej-good 200': 40 },
        'then only the healthy endpoint answers',
      );
      const health = await hostHealth(client, 'ejectable');
      assert.equal(
        health[bad]?.['failed_outlier_check'],
        true,
        `/clusters shows ${bad} ejected: ${JSON.stringify(health)}`,
      );
      assert.ok(routable(health[backend.endpoint(0)]), 'the healthy endpoint stays in');
      assert.equal(
        (await envoyStat(client, 'cluster.ejectable.outlier_detection.ejections_enforced_consecutive_5xx')) -
          ejectionsBefore,
        1,
      );
      assert.equal(await envoyStat(client, 'cluster.ejectable.outlier_detection.ejections_active'), 1);
      const afterEjection = replies.length - replies.lastIndexOf(failures.at(-1)!) - 1;
      t.diagnostic(
        `consecutive 5xx 3: ${failures.length} failures reached the client, then the remaining ${afterEjection} of ${replies.length} requests were answered by ej-good`,
      );
    });

    test('connection limits: beyond one connection, one pending and one request, requests are refused at once with 503 and counted as overflow', async (t) => {
      const port = outboundPort(client, 'limited');
      const slow = { concurrency: 10, headers: { 'x-delay-ms': '500' } };
      assert.deepEqual(
        countBy(await sendRequests(port, 10, slow), (r) => r.status),
        { 200: 10 },
        'without a policy all 10 parallel requests are served',
      );

      await applyPolicy(cp, [client], 'MeshCircuitBreaker', 'limit-limited', {
        targetRef: { kind: 'Mesh' },
        to: [
          {
            targetRef: { kind: 'MeshService', name: 'limited' },
            default: { connectionLimits: { maxConnections: 1, maxPendingRequests: 1, maxRequests: 1 } },
          },
        ],
      });
      const servedBefore = apps['limited-1']!.served();
      const overflowBefore = await envoyStat(client, 'cluster.limited.upstream_rq_pending_overflow');
      const replies = await sendRequests(port, 10, slow);
      const served = replies.filter((r) => r.status === 200);
      const refused = replies.filter((r) => r.status !== 200);
      assert.ok(
        served.length >= 1 && refused.length >= 1,
        `some served, some refused: ${JSON.stringify(countBy(replies, (r) => r.status))}`,
      );
      assert.ok(
        refused.every((r) => r.status === 503 && r.headers['x-envoy-overloaded'] === 'true' && r.app === undefined),
        'refused by Envoy as overloaded',
      );
      assert.equal(
        apps['limited-1']!.served() - servedBefore,
        served.length,
        'the refused requests never reached the app',
      );
      assert.equal(
        (await envoyStat(client, 'cluster.limited.upstream_rq_pending_overflow')) - overflowBefore,
        refused.length,
        'each refusal counted as an overflow',
      );
      const refusedMs = refused.map((r) => r.ms).sort((a, b) => a - b);
      t.diagnostic(
        `10 parallel 500 ms requests, limits 1/1/1: ${served.length} served, ${refused.length} refused with 503 (x-envoy-overloaded) in ${refusedMs[0]!.toFixed(0)}–${refusedMs.at(-1)!.toFixed(0)} ms; upstream_rq_pending_overflow +${refused.length}`,
      );
    });

    test('MeshHealthCheck: an endpoint failing its HTTP health check stops receiving traffic, and gets it again once healthy', async (t) => {
      const port = outboundPort(client, 'checked');
      const [a, b] = [backend.endpoint(3), backend.endpoint(4)];
      const hcB = apps['hc-b']!;
      await applyPolicy(cp, [client], 'MeshHealthCheck', 'check-checked', {
        targetRef: { kind: 'Mesh' },
        to: [
          {
            targetRef: { kind: 'MeshService', name: 'checked' },
            default: {
              interval: '200ms',
              noTrafficInterval: '200ms',
              timeout: '1s',
              unhealthyThreshold: 1,
              healthyThreshold: 1,
              http: { path: '/health' },
            },
          },
        ],
      });
      await waitForHostHealth(
        client,
        'checked',
        'both endpoints healthy',
        (hosts) => routable(hosts[a]) && routable(hosts[b]),
      );
      assert.deepEqual(
        countBy(await sendRequests(port, 20), (r) => r.app),
        { 'hc-a': 10, 'hc-b': 10 },
      );

      hcB.behaviour.healthStatus = 503;
      const failedAt = performance.now();
      await waitForHostHealth(
        client,
        'checked',
        `${b} failing its health check`,
        (hosts) => hosts[b]?.['failed_active_health_check'] === true,
      );
      const ejectedMs = performance.now() - failedAt;
      const servedBefore = hcB.served();
      assert.deepEqual(
        countBy(await sendRequests(port, 40), (r) => `${r.app} ${r.status}`),
        { 'hc-a 200': 40 },
        'only the healthy endpoint answers',
      );
      assert.equal(hcB.served(), servedBefore, 'the unhealthy endpoint got no request');

      hcB.behaviour.healthStatus = 200;
      const healedAt = performance.now();
      await waitForHostHealth(client, 'checked', `${b} healthy again`, (hosts) => routable(hosts[b]));
      const healedMs = performance.now() - healedAt;
      // Envoy merges host health changes within its update_merge_window (1 s by
      // default), so the load balancer sees the endpoint back a moment later.
      const back = await waitFor(
        `hc-b to get traffic again`,
        async () => {
          const tally = countBy(await sendRequests(port, 10), (r) => r.app);
          return (tally['hc-b'] ?? 0) > 0 ? tally : undefined;
        },
        10_000,
      );
      const backMs = performance.now() - healedAt;
      assert.ok(hcB.probes() > 0 && apps['hc-a']!.probes() > 0, 'both were probed on /health');
      t.diagnostic(
        `interval 200ms, thresholds 1/1: marked unhealthy ${ejectedMs.toFixed(0)} ms after /health turned 503 (then 40/40 requests to hc-a); ` +
          `healthy ${healedMs.toFixed(0)} ms after it turned 200, serving again after ${backMs.toFixed(0)} ms (${JSON.stringify(back)} of 10)`,
      );
    });
  },
);
