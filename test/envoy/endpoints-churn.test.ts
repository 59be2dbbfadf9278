/**
 * Endpoints joining and leaving under steady traffic, through real Envoy
 * sidecars, with the mesh's default policies: while a client sends requests
 * without pause, a second instance of the service joins (and gets its
 * share), then the first one's `koguma dp run` is stopped with SIGTERM.
 * Not one request may fail.
 *
 *   churn-client ──► outbound churn ──► churn-a ──(SIGTERM)──► gone
 *                                  └──► churn-b (joins under load)
 *
 * What makes it so: a proxy that has just started is registered not ready
 * and enters its callers' endpoints once it accepted its listeners; a
 * stopping agent first has the control plane take its proxy out of its
 * callers' endpoints (admin channel: leaving), then lets Envoy drain its
 * inbound listeners for --drain-time, still answering, and only then stops
 * it. (mTLS on, as a user's mesh would have it.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeApps } from '../support/envoy-apps.js';
import { envoyTestOptions } from '../support/envoy.js';
import { envoyCounter } from '../support/envoy-counters.js';
import { failed, startHttpLoad, tallyByApp } from '../support/envoy-load.js';
import { putOpenMtlsMesh } from '../support/envoy-mesh.js';
import {
  awaitEndpoints,
  outboundPort,
  startCaller,
  startInstance,
  type ServiceInstance,
} from '../support/envoy-services.js';
import type { Sidecar } from '../support/envoy-sidecar.js';
import { cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const MESH = 'churn';
const CONCURRENCY = 4;

describe(
  'endpoints joining and leaving under load through real Envoy sidecars',
  { ...envoyTestOptions(), timeout: 180_000 },
  () => {
    let cp: ControlPlaneProcess;
    let a: ServiceInstance;
    let client: Sidecar;

    before(async () => {
      cp = await startControlPlane();
      await putOpenMtlsMesh(cp, MESH);
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

    test('with the default policies, an instance joins and gets traffic, another leaves on SIGTERM, and no request fails', async () => {
      const retries = () => envoyCounter(client, 'cluster.churn.upstream_rq_retry');
      const retriesBefore = (await retries()) ?? 0;
      const load = startHttpLoad(outboundPort(client, 'churn'), { concurrency: CONCURRENCY });
      const marks: Record<'joining' | 'leaving' | 'left' | 'removed', number> = {
        joining: 0,
        leaving: 0,
        left: 0,
        removed: 0,
      };
      let b: ServiceInstance | undefined;
      try {
        await waitFor('traffic to flow', () => (load.outcomes().length >= 100 ? true : undefined), 20_000);
        marks.joining = Date.now();
        b = await startInstance(cp, { mesh: MESH, name: 'churn-b', service: 'churn' });
        await awaitEndpoints(client, { churn: [a, b] });
        const joined = b;
        await waitFor('churn-b to serve 100 requests', () => (joined.app.served() >= 100 ? true : undefined), 20_000);
        marks.leaving = Date.now();
        const stopping = a.sidecar.proc.stop('SIGTERM', 20_000);
        // Out of the client's endpoints while churn-a still drains, before its Envoy stops listening.
        await awaitEndpoints(client, { churn: [joined] });
        marks.removed = Date.now();
        assert.equal(a.sidecar.proc.isRunning(), true, 'churn-a was taken out while it still drained');
        const status = await stopping;
        marks.left = Date.now();
        assert.equal(status, 0, `churn-a's dp run exits 0 on SIGTERM (stderr: ${a.sidecar.proc.stderr()})`);
        await waitFor(
          '200 more requests',
          () => (load.outcomes().filter((o) => o.startedAt > marks.removed).length >= 200 ? true : undefined),
          20_000,
        );
      } finally {
        await load.stop();
      }
      const outcomes = load.outcomes();
      const failures = outcomes.filter(failed);
      const between = (from: number, to = Infinity) =>
        tallyByApp(outcomes.filter((o) => o.startedAt >= from && o.endedAt <= to));
      console.log(
        `churn: ${outcomes.length} requests, ${failures.length} failed, ${((await retries()) ?? 0) - retriesBefore} retried by the client's Envoy; ` +
          `while churn-b joined ${JSON.stringify(between(marks.joining, marks.leaving))}; churn-a out of the client's endpoints ${marks.removed - marks.leaving} ms after SIGTERM ` +
          `(${JSON.stringify(between(marks.leaving, marks.removed))} meanwhile), its dp run exited after ${marks.left - marks.leaving} ms; after ${JSON.stringify(between(marks.removed))}`,
      );
      assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${outcomes.length} requests failed`);
      assert.ok((b?.app.served() ?? 0) >= 100, 'the new instance took its share');
      const afterRemoval = outcomes.filter((o) => o.startedAt >= marks.removed);
      assert.deepEqual(tallyByApp(afterRemoval), { 'churn-b': afterRemoval.length }, 'once gone, churn-a gets nothing');
    });
  },
);
