/**
 * MeshLoadBalancingStrategy with real Envoy sidecars under `koguma dp run`:
 * a client sidecar in zone `east` calls `ring` (three endpoints) and `zoned`
 * (one endpoint tagged `kuma.io/zone: east`, one `west`), all inbounds of
 * one backend sidecar, each with an app of its own that names itself in its
 * answers. Zones on one machine are only tags, which is all Envoy sees of
 * them anyway: a locality on each endpoint of the ClusterLoadAssignment.
 *
 *   test ──► client Envoy (zone east) ──► backend Envoy ──► ring-a | ring-b | ring-c
 *                                                     ──► zone-east-1 (east) | zone-west-1 (west)
 *
 * Each case uses its own service and policy. The policies are left in place:
 * each changes a cluster, which takes Envoy's 15 s initial fetch timeout to
 * warm today (the control plane does not send the cluster's unchanged
 * endpoints again), and no later case calls that service.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { routable, waitForHostHealth } from '../support/envoy-admin.js';
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

const MESH = 'balancing';

let cp: ControlPlaneProcess;
let backend: BackendSidecar;
let client: Sidecar;
const apps: Record<string, ScriptedApp> = {};

describe('MeshLoadBalancingStrategy through real Envoy sidecars', { ...envoyTestOptions(), timeout: 150_000 }, () => {
  before(async () => {
    cp = await startControlPlane();
    await createBareMesh(cp, MESH);
    for (const name of ['ring-a', 'ring-b', 'ring-c', 'zone-east-1', 'zone-west-1'])
      apps[name] = await startScriptedApp(name);
    backend = await startBackendSidecar(cp, MESH, 'lb-backend', [
      { service: 'ring', servicePort: apps['ring-a']!.port },
      { service: 'ring', servicePort: apps['ring-b']!.port },
      { service: 'ring', servicePort: apps['ring-c']!.port },
      { service: 'zoned', servicePort: apps['zone-east-1']!.port, tags: { 'kuma.io/zone': 'east' } },
      { service: 'zoned', servicePort: apps['zone-west-1']!.port, tags: { 'kuma.io/zone': 'west' } },
    ]);
    client = await startClientSidecar(cp, MESH, 'lb-client', {
      calls: ['ring', 'zoned'],
      backends: [backend],
      tags: { 'kuma.io/zone': 'east' },
    });
  });
  after(async () => {
    await cleanUp();
    await closeScriptedApps();
  });

  test('RingHash on a header: each key always lands on the same endpoint, different keys spread over the endpoints', async (t) => {
    const port = outboundPort(client, 'ring');
    const roundRobin = countBy(await sendRequests(port, 30, { headers: { 'x-user': 'user-0' } }), (r) => r.app);
    assert.equal(
      Object.keys(roundRobin).length,
      3,
      `without a policy one key goes everywhere: ${JSON.stringify(roundRobin)}`,
    );

    const tookMs = await applyPolicy(cp, [client], 'MeshLoadBalancingStrategy', 'ring-by-user', {
      targetRef: { kind: 'Mesh' },
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'ring' },
          default: {
            loadBalancer: {
              type: 'RingHash',
              ringHash: { hashPolicies: [{ type: 'Header', header: { name: 'x-user' } }] },
            },
          },
        },
      ],
    });
    const keys = 30;
    const replies = await sendRequests(port, keys * 10, {
      concurrency: 4,
      headers: (i) => ({ 'x-user': `user-${i % keys}` }),
    });
    assert.ok(
      replies.every((r) => r.status === 200),
      JSON.stringify(countBy(replies, (r) => r.status)),
    );
    const appsOfKey = new Map<string, Set<string>>();
    replies.forEach((reply, i) => {
      const key = `user-${i % keys}`;
      appsOfKey.set(key, (appsOfKey.get(key) ?? new Set()).add(reply.app!));
    });
    const wandering = [...appsOfKey].filter(([, answered]) => answered.size !== 1).map(([key]) => key);
    assert.deepEqual(wandering, [], 'every key answered by one endpoint, 10 times out of 10');
    const keysPerApp: Record<string, number> = {};
    for (const answered of appsOfKey.values()) for (const app of answered) keysPerApp[app] = (keysPerApp[app] ?? 0) + 1;
    assert.ok(Object.keys(keysPerApp).length >= 2, `the keys spread over the endpoints: ${JSON.stringify(keysPerApp)}`);
    t.diagnostic(
      `ring hash on x-user, ${keys} keys × 10 requests: each key on one endpoint; keys per endpoint ${JSON.stringify(keysPerApp)}; the policy took ${(tookMs / 1000).toFixed(1)} s to reach Envoy`,
    );
  });

  test('locality awareness: a client in zone east sends everything to the east endpoint, fails over to west when east is unhealthy, and comes back', async (t) => {
    const port = outboundPort(client, 'zoned');
    const [east, west] = [backend.endpoint(3), backend.endpoint(4)];
    const spread = countBy(await sendRequests(port, 40), (r) => r.app);
    assert.deepEqual(spread, { 'zone-east-1': 20, 'zone-west-1': 20 }, 'without a policy both zones take turns');

    const localMs = await applyPolicy(cp, [client], 'MeshLoadBalancingStrategy', 'zoned-local', {
      targetRef: { kind: 'Mesh' },
      to: [{ targetRef: { kind: 'MeshService', name: 'zoned' }, default: { loadBalancer: { type: 'RoundRobin' } } }],
    });
    assert.deepEqual(
      countBy(await sendRequests(port, 100, { concurrency: 4 }), (r) => r.app),
      { 'zone-east-1': 100 },
      'the local zone takes everything',
    );

    // Failover needs Envoy to know east is unhealthy: an active health check.
    await applyPolicy(cp, [client], 'MeshHealthCheck', 'zoned-health', {
      targetRef: { kind: 'Mesh' },
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'zoned' },
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
    const eastApp = apps['zone-east-1']!;
    eastApp.behaviour.healthStatus = 503;
    await waitForHostHealth(
      client,
      'zoned',
      `${east} failing its health check`,
      (hosts) => hosts[east]?.['failed_active_health_check'] === true && routable(hosts[west]),
    );
    const failedOver = countBy(await sendRequests(port, 40), (r) => `${r.app} ${r.status}`);
    assert.deepEqual(failedOver, { 'zone-west-1 200': 40 }, 'west, the next priority, takes over');

    eastApp.behaviour.healthStatus = 200;
    await waitForHostHealth(client, 'zoned', `${east} healthy again`, (hosts) => routable(hosts[east]));
    // Host health changes reach the load balancer within Envoy's update_merge_window (1 s).
    await waitFor(
      'traffic back in east',
      async () => ((countBy(await sendRequests(port, 10), (r) => r.app)['zone-east-1'] ?? 0) === 10 ? true : undefined),
      10_000,
    );
    assert.deepEqual(
      countBy(await sendRequests(port, 40), (r) => r.app),
      { 'zone-east-1': 40 },
      'back to the local zone',
    );
    t.diagnostic(
      `zoned: no policy 20/20 east/west; with the policy (in Envoy ${localMs.toFixed(0)} ms after the PUT) 100/100 east; east unhealthy 40/40 west; east healthy again 40/40 east`,
    );
  });
});
