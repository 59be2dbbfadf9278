/**
 * Restarting the control plane under a running proxyless mesh: `koguma cp run`
 * on PGlite (a data directory, fixed ports), two backends and a client of
 * examples/proxyless/ under `koguma dp run --proxyless`.
 *
 *   SIGTERM cp ─► outage: the xDS streams are gone; every app keeps the
 *                 configuration it has, so calls keep succeeding
 *   cp again   ─► same ports, same data: the apps' xDS clients reconnect on
 *                 their own (backoff) and the overviews show them connected
 *
 * The Dataplanes outlive the restart in the store (a stopping control plane
 * does not remove its proxies' Dataplanes), so the snapshot a reconnecting
 * client gets names the same backends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  cleanUp,
  freePort,
  scratchDir,
  startBackend,
  startClient,
  startControlPlane,
  subscriptionOf,
  tally,
  waitFor,
  type ClientProcess,
  type ControlPlaneOptions,
  type ControlPlaneProcess,
} from '../support/proxyless.js';

const RATE = 50;
const APPS = ['backend-1', 'backend-2', 'client-1'];

let options: ControlPlaneOptions;
let cp: ControlPlaneProcess;
let client: ClientProcess;

before(async () => {
  options = {
    store: 'pglite',
    dataDir: await scratchDir(),
    apiPort: await freePort(),
    xdsPort: await freePort(),
    removalDelay: '30s',
  };
  cp = await startControlPlane({ ...options, instanceId: 'cp-first' });
  await startBackend(cp, 'backend-1', await freePort());
  await startBackend(cp, 'backend-2', await freePort());
  client = startClient(cp, 'client-1', RATE);
});

after(cleanUp);

const since = (from: number) => client.outcomes().filter((o) => o.at >= from);

describe('proxyless gRPC example: a control-plane restart', () => {
  it('traffic flows to both backends before the restart', async () => {
    const first = await waitFor(
      () => `a first answer (client stderr: ${client.proc.stderr()})`,
      () => client.outcomes().find((o) => o.server !== undefined),
      60_000,
    );
    await waitFor('answers from both backends', () => {
      const counts = tally(since(first.at));
      return (counts['backend-1'] ?? 0) >= 10 && (counts['backend-2'] ?? 0) >= 10 ? true : undefined;
    });
    for (const name of APPS)
      assert.equal(
        (await subscriptionOf(cp, name))?.subscription.controlPlaneInstanceId,
        'cp-first',
        `${name} is connected`,
      );
  });

  it('SIGTERM and a restart on the same ports interrupt no call, and every app reconnects', async (t) => {
    const stoppedAt = Date.now();
    assert.equal(await cp.proc.stop('SIGTERM', 60_000), 0, `the control plane stops cleanly: ${cp.proc.stderr()}`);
    const downAt = Date.now();
    // An outage the apps notice: their xDS streams end and retries are refused.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const during = since(downAt);
    assert.ok(during.length >= RATE / 2, `calls went on during the outage: ${during.length}`);

    cp = await startControlPlane({ ...options, instanceId: 'cp-second' });
    const upAt = Date.now();
    for (const name of APPS)
      await waitFor(
        `${name} to reconnect to the restarted control plane`,
        async () => {
          const seen = await subscriptionOf(cp, name);
          return seen?.connected === true && seen.subscription.controlPlaneInstanceId === 'cp-second'
            ? true
            : undefined;
        },
        30_000,
      );
    const reconnectedAt = Date.now();
    // A second of traffic on the new configuration.
    await waitFor(
      '1 s of calls after the reconnection',
      () => (since(reconnectedAt + 1_000).length > 0 ? true : undefined),
      10_000,
    );

    const calls = since(stoppedAt);
    t.diagnostic(
      `stop took ${downAt - stoppedAt} ms; down ${upAt - downAt} ms; every app reconnected ${reconnectedAt - upAt} ms after the restart; ` +
        `calls since the stop: ${JSON.stringify(tally(calls))}`,
    );
    assert.deepEqual(
      calls.filter((o) => o.error !== undefined),
      [],
      'no call failed from the stop until a second after the reconnection',
    );
    const afterwards = tally(since(reconnectedAt));
    assert.ok(
      (afterwards['backend-1'] ?? 0) > 0 && (afterwards['backend-2'] ?? 0) > 0,
      `both backends answer afterwards: ${JSON.stringify(afterwards)}`,
    );
  });

  it('the restarted control plane serves the client what it already had: every type acknowledged, nothing rejected', async () => {
    const seen = await subscriptionOf(cp, 'client-1');
    for (const type of ['lds', 'rds', 'cds', 'eds']) {
      const status = seen?.subscription.status[type];
      assert.ok(status, `${type} was sent`);
      assert.equal(status.ackedVersion, status.sentVersion, `${type} acknowledged`);
      assert.equal(status.lastNack, undefined, `${type} not rejected`);
    }
  });
});
