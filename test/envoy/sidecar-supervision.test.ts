/**
 * `koguma dp run` supervising a real Envoy: an Envoy that dies is restarted
 * with backoff, the agent says what happened in plain words, and the new
 * Envoy takes its config over ADS again and carries traffic; a stop reaches
 * Envoy and the agent exits with its status. (A wrong version, a binary
 * that hangs, one whose admin API never comes up: test/dp/envoy-checks.test.ts,
 * with a stand-in playing the broken Envoy.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeApps, httpRequest, startHttpApp, type TestApp } from '../support/envoy-apps.js';
import { envoyTestOptions } from '../support/envoy.js';
import { envoyPid, startSidecar, waitForEnvoy, type Sidecar } from '../support/envoy-sidecar.js';
import {
  api,
  cleanUp,
  startControlPlane,
  subscriptionOf,
  waitFor,
  type ControlPlaneProcess,
} from '../support/proxyless.js';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a real Envoy under koguma dp run', { ...envoyTestOptions(), timeout: 180_000 }, () => {
  let cp: ControlPlaneProcess;
  let app: TestApp;
  let sidecar: Sidecar;
  const inboundListener = () => `inbound:127.0.0.1:${sidecar.inboundPorts[0]}`;

  before(async () => {
    cp = await startControlPlane();
    app = await startHttpApp('api');
    sidecar = await startSidecar(cp, {
      name: 'api-1',
      inbound: [{ service: 'api', servicePort: app.port }],
      extraArgs: ['--restart-backoff', '300ms', '--restart-backoff-max', '10s'],
    });
    await waitForEnvoy(sidecar, { listeners: [inboundListener()] });
  });
  after(async () => {
    await cleanUp();
    await closeApps();
  });

  /** Envoy's pid once the agent has logged `count` starts. */
  const startNumber = (count: number) =>
    waitFor(`start number ${count} of Envoy (stderr: ${sidecar.proc.stderr()})`, () =>
      [...sidecar.proc.stderr().matchAll(/envoy started \(pid (\d+)\)/g)].length >= count
        ? envoyPid(sidecar)
        : undefined,
    );

  const trafficFlows = async () => {
    const reply = await httpRequest(sidecar.inboundPorts[0]!, '/ping', { headers: { 'x-echo': 'again' } });
    assert.equal(reply.status, 200, reply.body);
    assert.equal(reply.headers['x-echo'], 'again');
  };

  test('reports Envoy up once its admin API answers, and its inbound listener carries requests to the app', async () => {
    assert.match(sidecar.proc.stderr(), /koguma-dp: Envoy \d+\.\d+\.\d+ at \S+\n/);
    assert.match(
      sidecar.proc.stderr(),
      /koguma-dp: envoy \(pid \d+\) is up after [\d.]+m?s: admin API on 127\.0\.0\.1:\d+, server state \w+\n/,
    );
    await trafficFlows();
    assert.equal(app.served(), 1);
  });

  test('an Envoy killed from outside is restarted after the backoff, reconnects over ADS and serves again', async () => {
    const first = await startNumber(1);
    const firstStream = (await subscriptionOf(cp, sidecar.name))?.subscription.id;
    process.kill(first, 'SIGKILL');
    const second = await startNumber(2);
    assert.notEqual(second, first);
    assert.match(
      sidecar.proc.stderr(),
      new RegExp(`envoy \\(pid ${first}\\) was killed by SIGKILL after [\\d.]+m?s; restarting it in 300ms\\n`),
    );
    await waitForEnvoy(sidecar, { listeners: [inboundListener()] });
    await trafficFlows();
    const overview = await waitFor('a new ADS stream', async () => {
      const now = await subscriptionOf(cp, sidecar.name);
      return now?.connected === true && now.subscription.id !== firstStream ? now : undefined;
    });
    // Kuma's insight JSON leaves a zero counter out.
    assert.equal(overview.subscription.status.total.responsesRejected, undefined, 'no response rejected');
  });

  test('an Envoy that exits on its own is restarted too, with a doubled wait since the last exit was recent', async () => {
    const second = await startNumber(2);
    process.kill(second, 'SIGTERM');
    const third = await startNumber(3);
    assert.notEqual(third, second);
    assert.match(
      sidecar.proc.stderr(),
      new RegExp(`envoy \\(pid ${second}\\) exited cleanly after [\\d.]+m?s; restarting it in 600ms\\n`),
    );
    await waitForEnvoy(sidecar, { listeners: [inboundListener()] });
    await trafficFlows();
  });

  test('the overview says why a proxy was offline, as its agent reported it, and that its Envoy is up again', async () => {
    const envoyOf = async () => {
      const { body } = await api(cp, 'GET', `/meshes/default/dataplanes/${sidecar.name}/_overview`);
      return body?.dataplaneInsight?.envoy as { state: string; reason: string; time: string } | undefined;
    };
    const up = await waitFor('the agent to report Envoy up', async () =>
      (await envoyOf())?.state === 'up' ? envoyOf() : undefined,
    );
    assert.match(up!.reason, /admin API on 127\.0\.0\.1:\d+/);
    const running = await startNumber(3);
    process.kill(running, 'SIGKILL');
    const down = await waitFor('the agent to report the crash', async () => {
      const now = await envoyOf();
      return now?.state === 'restarting' ? now : undefined;
    });
    assert.match(
      down.reason,
      new RegExp(`envoy \\(pid ${running}\\) was killed by SIGKILL after [\\d.]+m?s; restarting it in`),
    );
    await startNumber(4);
    await waitFor('Envoy up again in the overview', async () => ((await envoyOf())?.state === 'up' ? true : undefined));
    await waitForEnvoy(sidecar, { listeners: [inboundListener()] });
    await trafficFlows();
  });

  test('SIGTERM to the agent stops Envoy, and the agent exits with its status', async () => {
    const envoy = await startNumber(4);
    assert.equal(await sidecar.proc.stop('SIGTERM', 15_000), 0, sidecar.proc.stderr());
    assert.equal(isAlive(envoy), false);
    assert.match(sidecar.proc.stderr(), new RegExp(`stopping envoy \\(pid ${envoy}\\): sent SIGTERM`));
    assert.match(sidecar.proc.stderr(), /koguma-dp: exiting with status 0\n/);
  });
});
