/**
 * MeshFaultInjection and MeshRateLimit with real Envoy sidecars under
 * `koguma dp run`: both act on the inbound side, in the backend's sidecar.
 * Two client sidecars (services caller-a and caller-b) call the services
 * behind it; the backend tells its callers apart by the `x-kuma-tags` header
 * their sidecars set. The mesh has no default policies.
 *
 *   test ──► caller-a Envoy ──┬─► backend Envoy ─► fault-abort | fault-delay | fault-caller | rl-http | rl-tcp
 *   test ──► caller-b Envoy ──┘                      (each an app of its own)
 *
 * Each case uses its own service and removes the policy it applied.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeApps, startTcpApp, tcpExchange, type TestApp } from '../support/envoy-apps.js';
import { envoyStat } from '../support/envoy-admin.js';
import { envoyTestOptions } from '../support/envoy.js';
import { applyPolicy, createBareMesh, removePolicy } from '../support/envoy-policies.js';
import { closeScriptedApps, startScriptedApp, type ScriptedApp } from '../support/envoy-scripted-app.js';
import type { Sidecar } from '../support/envoy-sidecar.js';
import {
  outboundPort,
  startBackendSidecar,
  startClientSidecar,
  type BackendSidecar,
} from '../support/envoy-topology.js';
import { countBy, median, sendRequests, tookAbout } from '../support/envoy-traffic.js';
import { cleanUp, startControlPlane, type ControlPlaneProcess } from '../support/proxyless.js';

const MESH = 'faults';

let cp: ControlPlaneProcess;
let backend: BackendSidecar;
let callerA: Sidecar;
let callerB: Sidecar;
const apps: Record<string, ScriptedApp> = {};
let tcpApp: TestApp;

/** The backend's inbound connection manager for `app` counts its stats under `http.localhost_<app port>.`. */
const inboundStat = (app: TestApp, stat: string) => envoyStat(backend.sidecar, `http.localhost_${app.port}.${stat}`);

describe(
  'MeshFaultInjection and MeshRateLimit through real Envoy sidecars',
  { ...envoyTestOptions(), timeout: 150_000 },
  () => {
    before(async () => {
      cp = await startControlPlane();
      await createBareMesh(cp, MESH);
      for (const name of ['abort-1', 'delay-1', 'caller-1', 'rl-http-1']) apps[name] = await startScriptedApp(name);
      tcpApp = await startTcpApp('rl-tcp-1');
      backend = await startBackendSidecar(cp, MESH, 'fr-backend', [
        { service: 'fault-abort', servicePort: apps['abort-1']!.port },
        { service: 'fault-delay', servicePort: apps['delay-1']!.port },
        { service: 'fault-caller', servicePort: apps['caller-1']!.port },
        { service: 'rl-http', servicePort: apps['rl-http-1']!.port },
        { service: 'rl-tcp', servicePort: tcpApp.port, protocol: 'tcp' },
      ]);
      [callerA, callerB] = await Promise.all([
        startClientSidecar(cp, MESH, 'caller-a', {
          calls: ['fault-abort', 'fault-delay', 'fault-caller', 'rl-http', 'rl-tcp'],
          backends: [backend],
        }),
        startClientSidecar(cp, MESH, 'caller-b', { calls: ['fault-caller'], backends: [backend] }),
      ]);
    });
    after(async () => {
      await cleanUp();
      await closeScriptedApps();
      await closeApps();
    });

    test('MeshFaultInjection abort: 30 % of 1,000 requests get the configured status from Envoy, the rest reach the app', async (t) => {
      const app = apps['abort-1']!;
      await applyPolicy(cp, [backend.sidecar], 'MeshFaultInjection', 'abort-30', {
        targetRef: { kind: 'MeshService', name: 'fault-abort' },
        from: [{ targetRef: { kind: 'Mesh' }, default: { http: [{ abort: { httpStatus: 503, percentage: 30 } }] } }],
      });
      const servedBefore = app.served();
      const injectedBefore = await inboundStat(app, 'fault.aborts_injected');
      const replies = await sendRequests(outboundPort(callerA, 'fault-abort'), 1000, { concurrency: 8 });
      const aborted = replies.filter((r) => r.status === 503);
      assert.equal(
        aborted.length + replies.filter((r) => r.status === 200).length,
        1000,
        JSON.stringify(countBy(replies, (r) => r.status)),
      );
      assert.ok(
        aborted.every((r) => r.app === undefined && r.body === 'fault filter abort'),
        'the aborts come from Envoy',
      );
      // 30 % of 1,000: the standard deviation is 14.5 requests; ±60 is more than four of them.
      assert.ok(
        aborted.length >= 240 && aborted.length <= 360,
        `${aborted.length} of 1,000 aborted, expected 300 ± 60`,
      );
      assert.equal(app.served() - servedBefore, 1000 - aborted.length, 'the others reached the app');
      assert.equal(
        (await inboundStat(app, 'fault.aborts_injected')) - injectedBefore,
        aborted.length,
        "Envoy's count agrees",
      );
      t.diagnostic(
        `abort 503 at 30 %: ${aborted.length} of 1,000 requests aborted (${(aborted.length / 10).toFixed(1)} %), ${1000 - aborted.length} served`,
      );

      await removePolicy(cp, [backend.sidecar], 'MeshFaultInjection', 'abort-30');
      assert.deepEqual(
        countBy(await sendRequests(outboundPort(callerA, 'fault-abort'), 50, { concurrency: 8 }), (r) => r.status),
        { 200: 50 },
        'no fault once removed',
      );
    });

    test('MeshFaultInjection delay: every request is held the configured 300 ms before it reaches the app', async (t) => {
      const app = apps['delay-1']!;
      const port = outboundPort(callerA, 'fault-delay');
      const undelayed = await sendRequests(port, 10, { concurrency: 10 });
      await applyPolicy(cp, [backend.sidecar], 'MeshFaultInjection', 'delay-300', {
        targetRef: { kind: 'MeshService', name: 'fault-delay' },
        from: [{ targetRef: { kind: 'Mesh' }, default: { http: [{ delay: { value: '300ms', percentage: 100 } }] } }],
      });
      const servedBefore = app.served();
      const injectedBefore = await inboundStat(app, 'fault.delays_injected');
      const delayed = await sendRequests(port, 10, { concurrency: 10 });
      assert.deepEqual(
        countBy(delayed, (r) => `${r.app} ${r.status}`),
        { 'delay-1 200': 10 },
        'delayed, then served by the app',
      );
      const slowest = Math.min(...delayed.map((r) => r.ms));
      assert.ok(tookAbout(slowest, 300), `every request took at least 300 ms (the fastest ${slowest} ms)`);
      assert.equal(app.served() - servedBefore, 10);
      assert.equal((await inboundStat(app, 'fault.delays_injected')) - injectedBefore, 10);
      t.diagnostic(
        `delay 300ms at 100 %, 10 parallel requests: ${slowest.toFixed(0)}–${Math.max(...delayed.map((r) => r.ms)).toFixed(0)} ms (median ${median(delayed.map((r) => r.ms)).toFixed(0)}); before the policy median ${median(undelayed.map((r) => r.ms)).toFixed(0)} ms`,
      );

      await removePolicy(cp, [backend.sidecar], 'MeshFaultInjection', 'delay-300');
    });

    test('MeshFaultInjection per caller: a `from` entry naming caller-a aborts its requests only; caller-b is served', async (t) => {
      await applyPolicy(cp, [backend.sidecar], 'MeshFaultInjection', 'abort-caller-a', {
        targetRef: { kind: 'MeshService', name: 'fault-caller' },
        from: [
          {
            targetRef: { kind: 'MeshService', name: 'caller-a' },
            default: { http: [{ abort: { httpStatus: 451, percentage: 100 } }] },
          },
        ],
      });
      const [fromA, fromB] = await Promise.all([
        sendRequests(outboundPort(callerA, 'fault-caller'), 50, { concurrency: 4 }),
        sendRequests(outboundPort(callerB, 'fault-caller'), 50, { concurrency: 4 }),
      ]);
      assert.deepEqual(
        countBy(fromA, (r) => `${r.app} ${r.status}`),
        { 'undefined 451': 50 },
        'caller-a: every request aborted by Envoy',
      );
      assert.deepEqual(
        countBy(fromB, (r) => `${r.app} ${r.status}`),
        { 'caller-1 200': 50 },
        'caller-b: every request served',
      );
      t.diagnostic('from caller-a abort 451 at 100 %: caller-a 50/50 aborted, caller-b 50/50 served');

      await removePolicy(cp, [backend.sidecar], 'MeshFaultInjection', 'abort-caller-a');
    });

    test('MeshRateLimit local HTTP: beyond a bucket of 5, requests get 429 with the configured header, and Envoy counts them', async (t) => {
      const app = apps['rl-http-1']!;
      await applyPolicy(cp, [backend.sidecar], 'MeshRateLimit', 'rl-http-5', {
        targetRef: { kind: 'MeshService', name: 'rl-http' },
        rules: [
          {
            default: {
              local: {
                http: {
                  requestRate: { num: 5, interval: '1m' },
                  onRateLimit: { status: 429, headers: { add: [{ name: 'x-rate-limited', value: 'yes' }] } },
                },
              },
            },
          },
        ],
      });
      const servedBefore = app.served();
      const limitedBefore = await envoyStat(
        backend.sidecar,
        `inbound_127_0_0_1_${backend.sidecar.inboundPorts[3]}.http_local_rate_limit.rate_limited`,
      );
      const replies = await sendRequests(outboundPort(callerA, 'rl-http'), 20);
      assert.deepEqual(
        countBy(replies, (r) => r.status),
        { 200: 5, 429: 15 },
        'a bucket of 5 tokens refilled once a minute',
      );
      assert.ok(
        replies.slice(0, 5).every((r) => r.status === 200),
        'the first five pass',
      );
      assert.ok(
        replies
          .filter((r) => r.status === 429)
          .every((r) => r.headers['x-rate-limited'] === 'yes' && r.app === undefined),
        'the others are refused by Envoy, with the header',
      );
      assert.equal(app.served() - servedBefore, 5);
      const limited =
        (await envoyStat(
          backend.sidecar,
          `inbound_127_0_0_1_${backend.sidecar.inboundPorts[3]}.http_local_rate_limit.rate_limited`,
        )) - limitedBefore;
      assert.equal(limited, 15, "Envoy's rate_limited counter");
      t.diagnostic(
        `requestRate 5 per 1m: 20 requests → 5 × 200, 15 × 429 (x-rate-limited: yes); http_local_rate_limit.rate_limited +${limited}`,
      );

      await removePolicy(cp, [backend.sidecar], 'MeshRateLimit', 'rl-http-5');
      assert.deepEqual(
        countBy(await sendRequests(outboundPort(callerA, 'rl-http'), 20), (r) => r.status),
        { 200: 20 },
        'no limit once removed',
      );
    });

    test('MeshRateLimit local TCP: beyond 2 connections a minute, connections are closed before reaching the app', async (t) => {
      await applyPolicy(cp, [backend.sidecar], 'MeshRateLimit', 'rl-tcp-2', {
        targetRef: { kind: 'MeshService', name: 'rl-tcp' },
        rules: [{ default: { local: { tcp: { connectionRate: { num: 2, interval: '1m' } } } } }],
      });
      const statName = `local_rate_limit.inbound_127_0_0_1_${backend.sidecar.inboundPorts[4]}.rate_limited`;
      const servedBefore = tcpApp.served();
      const limitedBefore = await envoyStat(backend.sidecar, statName);
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++)
        outcomes.push(await tcpExchange(outboundPort(callerA, 'rl-tcp'), `hello ${i}`, 5_000).catch(() => 'closed'));
      assert.deepEqual(outcomes, ['rl-tcp-1:hello 0', 'rl-tcp-1:hello 1', 'closed', 'closed', 'closed']);
      assert.equal(tcpApp.served() - servedBefore, 2, 'only two connections reached the app');
      assert.equal((await envoyStat(backend.sidecar, statName)) - limitedBefore, 3, "Envoy's rate_limited counter");
      t.diagnostic(
        'connectionRate 2 per 1m: 5 connections → 2 echoed, 3 closed by the backend sidecar; local_rate_limit.rate_limited +3',
      );

      await removePolicy(cp, [backend.sidecar], 'MeshRateLimit', 'rl-tcp-2');
    });
  },
);
