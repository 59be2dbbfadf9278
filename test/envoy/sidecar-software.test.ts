/**
 * What a real Envoy under `koguma dp run` reports about its software reaches
 * the proxy's overview and the mesh's insight: the agent's release and the
 * Envoy release and build it runs (as `envoy --version` says them), and the
 * agent's features, carried from the bootstrap request through Envoy's node
 * metadata to the subscription its xDS stream opened.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { productVersion } from '../../src/api/index.js';
import { AGENT_FEATURES } from '../../src/dp/agent-software.js';
import { closeApps, startHttpApp, type TestApp } from '../support/envoy-apps.js';
import { envoyPath, envoyTestOptions } from '../support/envoy.js';
import { startSidecar, waitForEnvoy, type Sidecar } from '../support/envoy-sidecar.js';
import { api, cleanUp, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

describe('the software of a real Envoy and its agent', { ...envoyTestOptions(), timeout: 120_000 }, () => {
  let cp: ControlPlaneProcess;
  let app: TestApp;
  let sidecar: Sidecar;
  /** Envoy's own words, read here independently of the agent. */
  let envoyRelease: string;
  let envoyBuild: string;

  before(async () => {
    const said = spawnSync(envoyPath(), ['--version'], { encoding: 'utf8', timeout: 10_000 }).stdout;
    const match = /version: ([0-9a-f]+\/(\d+\.\d+\.\d+)\S*)/.exec(said);
    assert.ok(match, `envoy --version said: ${said}`);
    envoyBuild = match[1]!;
    envoyRelease = match[2]!;
    cp = await startControlPlane();
    app = await startHttpApp('api');
    sidecar = await startSidecar(cp, { name: 'api-1', inbound: [{ service: 'api', servicePort: app.port }] });
    await waitForEnvoy(sidecar, { listeners: [`inbound:127.0.0.1:${sidecar.inboundPorts[0]}`] });
  });
  after(async () => {
    await cleanUp();
    await closeApps();
  });

  test("the overview's subscription carries the agent's and Envoy's versions, the insight the features and the proxy type", async () => {
    const overview = await waitFor('the overview with a connected subscription', async () => {
      const { status, body } = await api(cp, 'GET', `/meshes/default/dataplanes/${sidecar.name}/_overview`);
      return status === 200 && body.dataplaneInsight?.connected === true ? body : undefined;
    });
    const subscription = overview.dataplaneInsight.subscriptions.at(-1);
    assert.deepEqual(subscription.version, {
      kumaDp: { version: productVersion, kumaCpCompatible: true },
      envoy: { version: envoyRelease, build: envoyBuild, kumaDpCompatible: true },
    });
    assert.deepEqual(overview.dataplaneInsight.metadata, { features: [...AGENT_FEATURES], proxyType: 'envoy' });
    assert.equal(overview.proxyType, 'envoy');
  });

  test("the mesh insight counts the proxy under its agent's and Envoy's versions, not as unknown", async () => {
    const versions = await waitFor('the mesh insight to count the online proxy', async () => {
      const { status, body } = await api(cp, 'GET', '/mesh-insights/default');
      return status === 200 && body.dpVersions?.envoy?.[envoyRelease]?.online === 1 ? body.dpVersions : undefined;
    });
    assert.deepEqual(Object.keys(versions.kumaDp), [productVersion]);
    assert.deepEqual(Object.keys(versions.envoy), [envoyRelease]);
    assert.equal(versions.kumaDp[productVersion].online, 1);
  });
});
