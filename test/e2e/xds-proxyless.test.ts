/**
 * The whole path with a real xDS client: a control plane (memory store), two
 * grpc-js servers described by Dataplanes applied through the REST API, and
 * a @grpc/grpc-js-xds client process that registers itself (direct mode,
 * its Dataplane in node metadata) and calls `xds:///backend`. The client
 * reaches the DP server's TLS through the xDS relay of `koguma dp run`
 * (started here, in this process), as every proxyless app does.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { parse } from 'yaml';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { startXdsRelay, type XdsRelay } from '../../src/dp/xds-relay.js';
import { grpcBootstrap } from '../../src/xds/bootstrap/index.js';
import { DATAPLANE_RESOURCE_METADATA, PROXY_FLAVOUR_METADATA } from '../../src/xds/node-metadata.js';
import { startEchoServer, type EchoServer } from '../xds-server/fixtures/echo-service.js';
import { eventually } from '../xds-server/support.js';

const clientScript = fileURLToPath(new URL('../xds-server/fixtures/xds-client-child.js', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Runs the built CLI against this control plane; rejects with its stderr on failure. */
async function koguma(args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--api-url', cp.apiUrl, ...args], {
      timeout: 60_000,
    });
    return stdout;
  } catch (error) {
    throw new Error((error as { stderr?: string }).stderr ?? String(error), { cause: error });
  }
}

let cp: RunningControlPlane;
let backends: EchoServer[] = [];
let client:
  | { child: ChildProcessWithoutNullStreams; outcomes: { server?: string; error?: number }[]; stderr: () => string }
  | undefined;

const clientDataplane = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'client-1',
  networking: {
    address: '127.0.0.1',
    inbound: [{ port: 40000, tags: { 'kuma.io/service': 'client', 'kuma.io/protocol': 'grpc' } }],
    outbound: [{ port: 10001, tags: { 'kuma.io/service': 'backend' } }],
  },
};

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${cp.apiUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

const backendDataplane = (name: string, port: number) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: {
    address: '127.0.0.1',
    inbound: [{ port, tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'grpc' } }],
  },
});

function startClient(): NonNullable<typeof client> {
  const bootstrap = grpcBootstrap({
    nodeId: 'default.client-1',
    serverUri: relay.target,
    metadata: { [DATAPLANE_RESOURCE_METADATA]: JSON.stringify(clientDataplane), [PROXY_FLAVOUR_METADATA]: 'grpc' },
  });
  const child = spawn(process.execPath, [clientScript, 'xds:///backend'], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP_CONFIG: JSON.stringify(bootstrap), GRPC_XDS_BOOTSTRAP: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const outcomes: { server?: string; error?: number }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      outcomes.push(JSON.parse(line));
    } catch {
      // a library's own output
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)));
  return { child, outcomes, stderr: () => stderr };
}

/** Servers answering the last `count` calls. */
const recentServers = (count: number): Set<string | undefined> =>
  new Set(client!.outcomes.slice(-count).map((o) => o.server ?? `error ${o.error}`));

const dataDir = mkdtempSync(join(tmpdir(), 'koguma-e2e-'));
let relay: XdsRelay;

before(async () => {
  cp = await startControlPlane(
    // dpAuth none: a grpc-js-xds client cannot send a dataplane token (dp run's relay will carry it).
    resolveConfig(
      {
        store: 'memory',
        apiPort: '0',
        xdsPort: '0',
        xdsDebounceMs: '5ms',
        dataplaneRemovalDelayMs: '200ms',
        dpAuth: 'none',
        dataDir,
      },
      {},
    ),
    { logger: pino({ level: 'silent' }) },
  );
  relay = await startXdsRelay({
    upstreamUrl: cp.xdsUrl,
    ca: readFileSync(cp.xdsCaCertFile ?? assert.fail('no generated CA'), 'utf8'),
    log: () => undefined,
  });
  backends = [await startEchoServer('backend-1'), await startEchoServer('backend-2')];
});

after(async () => {
  client?.child.stdin.end();
  client?.child.kill('SIGKILL');
  for (const backend of backends) backend.stop();
  await relay?.close();
  await cp?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('proxyless gRPC through the control plane', () => {
  it('a client that registers itself reaches the backend its mesh describes', async () => {
    assert.equal(
      (await api('PUT', '/meshes/default/dataplanes/backend-1', backendDataplane('backend-1', backends[0]!.port)))
        .status,
      201,
    );
    client = startClient();
    await eventually(
      () =>
        recentServers(5).size === 1 && recentServers(5).has('backend-1') && client!.outcomes.length >= 5
          ? true
          : undefined,
      60_000,
      `calls to reach backend-1 (stderr: ${client.stderr()})`,
    );
    const registered = await api('GET', '/meshes/default/dataplanes/client-1');
    assert.equal(registered.status, 200, 'the client registered its Dataplane');
    assert.deepEqual(registered.body.networking, clientDataplane.networking);
  });

  it('a second backend applied through the API receives traffic too', async () => {
    assert.equal(
      (await api('PUT', '/meshes/default/dataplanes/backend-2', backendDataplane('backend-2', backends[1]!.port)))
        .status,
      201,
    );
    await eventually(
      () => (recentServers(20).has('backend-2') && recentServers(20).has('backend-1') ? true : undefined),
      30_000,
      'traffic on both backends',
    );
  });

  it('removing a backend moves all traffic to the other', async () => {
    assert.equal((await api('DELETE', '/meshes/default/dataplanes/backend-1')).status, 200);
    const from = client!.outcomes.length;
    await eventually(
      () => {
        const since = client!.outcomes.slice(from);
        const tail = since.slice(-10);
        return tail.length === 10 && tail.every((o) => o.server === 'backend-2') ? true : undefined;
      },
      30_000,
      'traffic only on backend-2',
    );
  });

  it('the overview shows the client connected with every type acknowledged, and _config what it was sent', async () => {
    const overview = await api('GET', '/meshes/default/dataplanes/client-1/_overview');
    assert.equal(overview.status, 200);
    const subscription = overview.body.dataplaneInsight.subscriptions[0];
    assert.equal(overview.body.dataplaneInsight.connected, true);
    assert.equal(subscription.controlPlaneInstanceId, cp.config.instanceId);
    for (const type of ['lds', 'rds', 'cds', 'eds']) {
      assert.ok(subscription.status[type], `${type} status`);
      assert.equal(
        subscription.status[type].ackedVersion,
        subscription.status[type].sentVersion,
        `${type} acked what was sent`,
      );
      assert.equal(subscription.status[type].lastNack, undefined);
    }
    const list = await api('GET', '/meshes/default/dataplanes/_overview');
    assert.deepEqual(list.body.items.map((i: { name: string }) => i.name).sort(), ['backend-2', 'client-1']);
    const config = await api('GET', '/meshes/default/dataplanes/client-1/_config?format=koguma');
    assert.equal(config.body.built, true);
    assert.deepEqual(
      config.body.xds.LDS.resources.map((r: { name: string }) => r.name),
      ['backend', 'grpc/server?xds.resource.listening_address=127.0.0.1:40000'],
    );
    assert.deepEqual(
      config.body.xds.CDS.resources.map((r: { name: string }) => r.name),
      ['backend'],
    );
    const endpoints = config.body.xds.EDS.resources[0].resource.endpoints.flatMap((l: any) => l.lbEndpoints);
    assert.deepEqual(
      endpoints.map((e: any) => e.endpoint.address.socketAddress.portValue),
      [backends[1]!.port],
    );
  });

  it('koguma inspect dataplane shows the served config and the connection status', async () => {
    const config = JSON.parse(await koguma(['inspect', 'dataplane', 'client-1', '-o', 'json']));
    assert.deepEqual(
      config.xds.CDS.resources.map((r: { name: string }) => r.name),
      ['backend'],
    );
    const overview = parse(await koguma(['inspect', 'dataplane', 'client-1', '--type', 'overview']));
    assert.equal(overview.dataplaneInsight.connected, true);
    await assert.rejects(koguma(['inspect', 'dataplane', 'nobody']), /Dataplane "nobody" not found in mesh "default"/);
  });

  it('a client that goes away has its self-registered Dataplane removed after the delay', async () => {
    client!.child.stdin.end();
    await new Promise((resolve) => client!.child.once('exit', resolve));
    const deadline = Date.now() + 30_000;
    let status = 200;
    while (Date.now() < deadline && status === 200) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await api('GET', '/meshes/default/dataplanes/client-1')).status;
    }
    assert.equal(status, 404);
    assert.equal((await api('GET', '/meshes/default/dataplanes/backend-2')).status, 200, 'API-created dataplanes stay');
  });
});
