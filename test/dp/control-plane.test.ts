/**
 * `koguma dp run` against the real control plane (in this process, memory
 * store): Envoy mode gets the bootstrap the wired `/bootstrap` builds, in
 * direct and indirect mode; proxyless mode runs a real @grpc/grpc-js-xds
 * client that registers itself through the node metadata of our bootstrap
 * and reaches a backend the mesh describes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { parse } from 'yaml';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { startEchoServer, type EchoServer } from '../xds-server/fixtures/echo-service.js';
import {
  cleanEnv,
  cleanUp,
  envoyRecords,
  exitWithin,
  fakeEnvoyBinary,
  scratchDir,
  startCli,
  waitFor,
} from './harness.js';

const XDS_CLIENT = fileURLToPath(new URL('../xds-server/fixtures/xds-client-child.js', import.meta.url));

let cp: RunningControlPlane;
let backend: EchoServer | undefined;

before(async () => {
  // No dataplane tokens here: the proxyless app cannot present one until dp run relays its xDS
  // (dataplane-token.test.ts runs the agent against a control plane that requires them).
  const flags = {
    store: 'memory',
    apiPort: '0',
    xdsPort: '0',
    xdsDebounceMs: '5ms',
    dpAuth: 'none',
    dataDir: await scratchDir(),
  } as const;
  cp = await startControlPlane(resolveConfig(flags, {}), {
    logger: pino({ level: 'silent' }),
  });
});

after(async () => {
  await cleanUp();
  backend?.stop();
  await cp?.close();
});

async function api(method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${cp.apiUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  await response.arrayBuffer();
  return response.status;
}

const dataplane = (name: string, service: string, port: number) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: {
    address: '127.0.0.1',
    inbound: [{ port, tags: { 'kuma.io/service': service, 'kuma.io/protocol': 'grpc' } }],
  },
});

/** The CA of the DP server's generated certificate: the control plane runs with TLS, as by default. */
const caCertFile = (): string => cp.xdsCaCertFile ?? assert.fail('the control plane generated no CA');

interface EnvoyBootstrapYaml {
  node: { id: string; cluster: string; metadata: Record<string, string> };
  admin: { address: { socket_address: { port_value: number } } };
  static_resources: {
    clusters: {
      name: string;
      load_assignment: {
        endpoints: { lb_endpoints: { endpoint: { address: { socket_address: { port_value: number } } } }[] }[];
      };
      transport_socket?: {
        name: string;
        typed_config: { common_tls_context: { validation_context: { trusted_ca: { inline_bytes: string } } } };
      };
    }[];
  };
}

async function envoySetUp() {
  const dir = await scratchDir();
  const record = join(dir, 'events.jsonl');
  return { dir, record, binary: await fakeEnvoyBinary(dir), workdir: join(dir, 'work') };
}

test('direct mode: the control plane builds the bootstrap for the Dataplane of the file, with --admin-port', async () => {
  const s = await envoySetUp();
  const file = join(s.dir, 'web.yaml');
  await writeFile(
    file,
    'type: Dataplane\nmesh: default\nname: {{ name }}\nnetworking:\n  address: 127.0.0.1\n  inbound:\n    - port: 20001\n      tags:\n        kuma.io/service: web\n',
  );
  const dp = startCli(
    [
      'dp',
      'run',
      '--dataplane-file',
      file,
      '--dataplane-var',
      'name=web-1',
      '--cp-address',
      cp.xdsUrl,
      '--ca-cert-file',
      caCertFile(),
      '--binary-path',
      s.binary,
      '--workdir',
      s.workdir,
      '--admin-port',
      '9911',
      '--drain-time',
      '0s',
    ],
    cleanEnv({ FAKE_ENVOY_RECORD: s.record }),
  );
  const start = await waitFor('envoy to start', () => envoyRecords(s.record).find((r) => r.event === 'start'));
  const bootstrap = parse(start.bootstrap ?? '') as EnvoyBootstrapYaml;
  assert.equal(bootstrap.node.id, 'default.web-1');
  assert.equal(bootstrap.node.cluster, 'web');
  assert.equal(bootstrap.node.metadata['koguma.io/proxy-flavour'], 'envoy');
  assert.equal(JSON.parse(bootstrap.node.metadata['dataplane.resource'] ?? '{}').networking.admin.port, 9911);
  assert.equal(bootstrap.admin.address.socket_address.port_value, 9911, 'Envoy admin listens where --admin-port said');
  const ads = bootstrap.static_resources.clusters.find((c) => c.name === 'ads_cluster');
  assert.equal(
    ads?.load_assignment.endpoints[0]?.lb_endpoints[0]?.endpoint.address.socket_address.port_value,
    Number(new URL(cp.xdsUrl).port),
  );
  assert.equal(ads?.transport_socket?.name, 'envoy.transport_sockets.tls', 'Envoy reaches the DP server over TLS');
  const trusted = Buffer.from(
    ads?.transport_socket?.typed_config.common_tls_context.validation_context.trusted_ca.inline_bytes ?? '',
    'base64',
  ).toString('utf8');
  assert.equal(trusted, await readFile(caCertFile(), 'utf8'), 'trusting the CA given to the agent');
  dp.child.kill('SIGTERM');
  assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
});

test('indirect mode: the agent waits for the Dataplane to be applied, then gets its bootstrap', async () => {
  const s = await envoySetUp();
  const dp = startCli(
    [
      'dp',
      'run',
      '--mesh',
      'default',
      '--name',
      'db-1',
      '--cp-address',
      cp.xdsUrl,
      '--ca-cert-file',
      caCertFile(),
      '--binary-path',
      s.binary,
      '--workdir',
      s.workdir,
      '--drain-time',
      '0s',
    ],
    cleanEnv({ FAKE_ENVOY_RECORD: s.record }),
  );
  await waitFor('a not-found retry', () =>
    /dataplane default\/db-1 is not in the control plane .*retrying in/.test(dp.stderr()) ? true : undefined,
  );
  assert.equal(await api('PUT', '/meshes/default/dataplanes/db-1', dataplane('db-1', 'db', 5432)), 201);
  const start = await waitFor('envoy to start', () => envoyRecords(s.record).find((r) => r.event === 'start'), 60_000);
  assert.equal((parse(start.bootstrap ?? '') as EnvoyBootstrapYaml).node.id, 'default.db-1');
  dp.child.kill('SIGTERM');
  assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
});

test('proxyless: a real grpc-js-xds client run by the agent registers itself and reaches the backend', async () => {
  backend = await startEchoServer('backend-1');
  assert.equal(
    await api('PUT', '/meshes/default/dataplanes/backend-1', dataplane('backend-1', 'backend', backend.port)),
    201,
  );
  const dir = await scratchDir();
  const file = join(dir, 'client.json');
  await writeFile(
    file,
    JSON.stringify({
      type: 'Dataplane',
      mesh: 'default',
      name: '{{ name }}',
      networking: {
        address: '127.0.0.1',
        inbound: [{ port: 40000, tags: { 'kuma.io/service': 'client', 'kuma.io/protocol': 'grpc' } }],
        outbound: [{ port: 10001, tags: { 'kuma.io/service': 'backend' } }],
      },
    }),
  );
  const dp = startCli(
    [
      'dp',
      'run',
      '--proxyless',
      '--dataplane-file',
      file,
      '--dataplane-var',
      'name=client-1',
      '--cp-address',
      cp.xdsUrl,
      '--ca-cert-file',
      caCertFile(),
      '--',
      process.execPath,
      XDS_CLIENT,
      'xds:///backend',
    ],
    cleanEnv(),
    'pipe',
  );
  await waitFor(
    'a call answered by backend-1',
    () => (dp.stdout().includes('{"server":"backend-1"}') ? true : undefined),
    60_000,
  );
  assert.equal(await api('GET', '/meshes/default/dataplanes/client-1'), 200, 'registered through the node metadata');
  dp.child.stdin?.end();
  assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
});
