/**
 * `koguma dp run --proxyless` and `koguma generate grpc-bootstrap`, as real
 * processes: the agent runs a stand-in application (fixtures/grpc-app.ts)
 * with the gRPC xDS bootstrap in its environment, and the generate command
 * prints the very same bytes.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateServerCa } from '../../src/mtls/index.js';
import {
  appOutput,
  cleanEnv,
  cleanUp,
  exitWithin,
  GRPC_APP,
  runCli,
  scratchDir,
  startCli,
  waitFor,
} from './harness.js';

after(cleanUp);

const TEMPLATE = `# one file for every replica of the api service
type: Dataplane
mesh: default
name: {{ name }}
labels:
  team: payments
networking:
  address: {{ address }}
  inbound:
    - port: {{port}}
      tags:
        kuma.io/service: api
        kuma.io/protocol: grpc
`;

const DOCUMENT = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'api-1',
  labels: { team: 'payments' },
  networking: {
    address: '10.0.0.7',
    inbound: [{ port: 9090, tags: { 'kuma.io/service': 'api', 'kuma.io/protocol': 'grpc' } }],
  },
};

async function setUp(text = TEMPLATE) {
  const dir = await scratchDir();
  const dataplaneFile = join(dir, 'dataplane.yaml');
  await writeFile(dataplaneFile, text);
  return { dir, dataplaneFile, out: join(dir, 'app.json') };
}

const dataplaneArgs = (file: string) => [
  '--dataplane-file',
  file,
  '--dataplane-var',
  'name=api-1',
  '--dataplane-var',
  'address=10.0.0.7',
  '--dataplane-var',
  'port=9090',
  '--cp-address',
  'http://127.0.0.1:15678',
  '--locality-zone',
  'zone-a',
];

interface Bootstrap {
  xds_servers: { server_uri: string; channel_creds: { type: string }[] }[];
  node: { id: string; cluster?: string; locality: Record<string, string>; metadata: Record<string, string> };
  server_listener_resource_name_template: string;
  certificate_providers?: Record<string, { plugin_name: string; config: Record<string, string> }>;
}

test('runs the application with GRPC_XDS_BOOTSTRAP_CONFIG and exits with its code; generate prints the same JSON but for the agent-kept certificate files', async () => {
  const s = await setUp();
  const run = await runCli(
    ['dp', 'run', '--proxyless', ...dataplaneArgs(s.dataplaneFile), '--', process.execPath, GRPC_APP, s.out, '7'],
    cleanEnv({ GRPC_XDS_BOOTSTRAP: '/etc/some-other-bootstrap.json' }),
  );
  assert.equal(run.status, 7, run.stderr);
  const app = appOutput(s.out);
  assert.ok(app !== undefined, 'the application ran');
  assert.deepEqual(app.argv, [s.out, '7']);
  assert.equal(app.env.GRPC_XDS_EXPERIMENTAL_RBAC, 'true');
  assert.equal(app.env.GRPC_XDS_BOOTSTRAP, null, 'a bootstrap file variable would win over ours, so it is removed');

  const json = app.env.GRPC_XDS_BOOTSTRAP_CONFIG ?? '';
  const bootstrap = JSON.parse(json) as Bootstrap;
  assert.equal(bootstrap.node.id, 'default.api-1');
  assert.equal(bootstrap.node.cluster, 'api');
  assert.deepEqual(bootstrap.node.locality, { zone: 'zone-a' });
  assert.equal(bootstrap.node.metadata['koguma.io/proxy-flavour'], 'grpc');
  assert.deepEqual(
    JSON.parse(bootstrap.node.metadata['dataplane.resource'] ?? ''),
    DOCUMENT,
    'the filled-in Dataplane round-trips',
  );
  assert.deepEqual(bootstrap.xds_servers, [
    { server_uri: '127.0.0.1:15678', channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] },
  ]);
  assert.equal(bootstrap.server_listener_resource_name_template, 'grpc/server?xds.resource.listening_address=%s');
  assert.match(
    run.stderr,
    /koguma-dp: proxyless dataplane default\.api-1: xDS from 127\.0\.0\.1:15678, bootstrap in GRPC_XDS_BOOTSTRAP_CONFIG\n/,
  );
  assert.match(run.stderr, /koguma-dp: exiting with status 7\n/);

  // The agent keeps the mesh mTLS certificate files; the bootstrap names them in a file_watcher provider.
  const provider = bootstrap.certificate_providers?.['koguma'];
  assert.equal(provider?.plugin_name, 'file_watcher');
  assert.match(provider?.config['certificate_file'] ?? '', /koguma-dp-certs-[^/]+\/cert\.pem$/);
  assert.deepEqual(Object.keys(provider?.config ?? {}).sort(), [
    'ca_certificate_file',
    'certificate_file',
    'private_key_file',
    'refresh_interval',
  ]);

  const generated = await runCli(['generate', 'grpc-bootstrap', ...dataplaneArgs(s.dataplaneFile)]);
  assert.equal(generated.status, 0, generated.stderr);
  const { certificate_providers: _agentOnly, ...withoutCertificates } = bootstrap;
  assert.deepEqual(JSON.parse(generated.stdout), withoutCertificates, 'one function builds both');
  assert.equal(generated.stderr, '');
});

test('SIGTERM to the agent reaches the application; the agent exits with its status', async () => {
  const s = await setUp();
  const dp = startCli([
    'dp',
    'run',
    '--proxyless',
    ...dataplaneArgs(s.dataplaneFile),
    '--',
    process.execPath,
    GRPC_APP,
    s.out,
    'wait',
  ]);
  await waitFor('the application to start', () => appOutput(s.out));
  dp.child.kill('SIGTERM');
  assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
  assert.equal(appOutput(s.out)?.signal, 'SIGTERM');
});

test('an invalid dataplane file fails with each field named, and nothing runs', async () => {
  const s = await setUp(
    TEMPLATE.replace('kuma.io/protocol: grpc', 'kuma.io/protocol: grpc\n      state: Sleepy').replace(
      '  address: {{ address }}\n',
      '',
    ),
  );
  const run = await runCli([
    'dp',
    'run',
    '--proxyless',
    ...dataplaneArgs(s.dataplaneFile),
    '--',
    process.execPath,
    GRPC_APP,
    s.out,
    '0',
  ]);
  assert.equal(run.status, 1);
  assert.equal(
    run.stderr,
    `Error: ${s.dataplaneFile} is not a valid Dataplane\n  networking.address: is required\n  networking.inbound[0].state: must be one of: Ready, NotReady, Ignored\n`,
  );
  assert.equal(appOutput(s.out), undefined);

  const generated = await runCli(['generate', 'grpc-bootstrap', ...dataplaneArgs(s.dataplaneFile)]);
  assert.equal(generated.status, 1);
  assert.equal(generated.stderr, run.stderr);
});

test('an undefined template variable is an error naming it and its line', async () => {
  const s = await setUp();
  const args = [
    '--dataplane-file',
    s.dataplaneFile,
    '--dataplane-var',
    'name=api-1',
    '--cp-address',
    'http://127.0.0.1:5678',
  ];
  const generated = await runCli(['generate', 'grpc-bootstrap', ...args]);
  assert.equal(generated.status, 1);
  assert.equal(
    generated.stderr,
    `Error: cannot fill in the template variables of ${s.dataplaneFile}\n` +
      `  ${s.dataplaneFile}:8: template variable "address" is not defined (pass --dataplane-var address=...)\n` +
      `  ${s.dataplaneFile}:10: template variable "port" is not defined (pass --dataplane-var port=...)\n`,
  );
  const run = await runCli(['dp', 'run', '--proxyless', ...args, '--', process.execPath, GRPC_APP, s.out, '0']);
  assert.equal(run.status, 1);
  assert.equal(run.stderr, generated.stderr);
});

test('indirect mode: without a file, mesh and name make the node id and the Dataplane is not in the metadata', async () => {
  const generated = await runCli([
    'generate',
    'grpc-bootstrap',
    '--mesh',
    'default',
    '--name',
    'api-9',
    '--cp-address',
    'http://127.0.0.1:5678',
  ]);
  assert.equal(generated.status, 0, generated.stderr);
  const bootstrap = JSON.parse(generated.stdout) as Bootstrap;
  assert.equal(bootstrap.node.id, 'default.api-9');
  assert.deepEqual(bootstrap.node.metadata, { 'koguma.io/proxy-flavour': 'grpc' });
  assert.equal(bootstrap.xds_servers[0]?.server_uri, '127.0.0.1:5678');
});

test('generate refuses a DP server with TLS (the default address): an application could not reach it without the relay', async () => {
  const generated = await runCli(['generate', 'grpc-bootstrap', '--mesh', 'default', '--name', 'api-9']);
  assert.equal(generated.status, 1);
  assert.equal(
    generated.stderr,
    "Error: --cp-address https://127.0.0.1:5678 speaks TLS, which a gRPC application's xDS client cannot (grpc-js-xds takes only insecure channel credentials): " +
      'run the application under koguma dp run --proxyless, whose loopback relay speaks TLS for it, or give the http:// address of a DP server run with --xds-tls false\n',
  );
});

test("with an https:// DP server the application dials the agent's loopback relay, in plaintext", async () => {
  const s = await setUp();
  const ca = (await generateServerCa({ commonName: 'test CA', lifetimeMs: 86_400_000 })).certPem;
  const caFile = join(s.dir, 'ca.crt');
  await writeFile(caFile, ca);
  const run = await runCli([
    'dp',
    'run',
    '--proxyless',
    ...dataplaneArgs(s.dataplaneFile),
    '--cp-address',
    'https://127.0.0.1:15678',
    '--ca-cert-file',
    caFile,
    '--',
    process.execPath,
    GRPC_APP,
    s.out,
    '0',
  ]);
  assert.equal(run.status, 0, run.stderr);
  const bootstrap = JSON.parse(appOutput(s.out)?.env.GRPC_XDS_BOOTSTRAP_CONFIG ?? '') as Bootstrap;
  const relay =
    /xDS from the relay on (127\.0\.0\.1:\d+) to https:\/\/127\.0\.0\.1:15678, bootstrap in GRPC_XDS_BOOTSTRAP_CONFIG\n/.exec(
      run.stderr,
    )?.[1];
  assert.ok(relay !== undefined, run.stderr);
  assert.deepEqual(bootstrap.xds_servers, [
    { server_uri: relay, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] },
  ]);
});

test('dp run --proxyless: https:// needs --ca-cert-file, and http:// refuses one; nothing runs', async () => {
  const s = await setUp();
  // The last --cp-address wins.
  const args = (address: string) => [
    'dp',
    'run',
    '--proxyless',
    ...dataplaneArgs(s.dataplaneFile),
    '--cp-address',
    address,
  ];
  const noCa = await runCli([...args('https://127.0.0.1:15678'), '--', process.execPath, GRPC_APP, s.out, '0']);
  assert.equal(noCa.status, 1);
  assert.match(
    noCa.stderr,
    /^Error: --cp-address https:\/\/127\.0\.0\.1:15678 speaks TLS: give --ca-cert-file, the CA that signs its certificate/,
  );
  const caWithoutTls = await runCli([
    ...args('http://127.0.0.1:15678'),
    '--ca-cert-file',
    s.dataplaneFile,
    '--',
    process.execPath,
    GRPC_APP,
    s.out,
    '0',
  ]);
  assert.equal(caWithoutTls.status, 1);
  assert.equal(
    caWithoutTls.stderr,
    'Error: --ca-cert-file is for a DP server with TLS, but --cp-address http://127.0.0.1:15678 is plaintext; give its https:// address\n',
  );
  assert.equal(appOutput(s.out), undefined);
});

test('--proxyless needs a command, and refuses Envoy-mode flags', async () => {
  const s = await setUp();
  const noCommand = await runCli(['dp', 'run', '--proxyless', ...dataplaneArgs(s.dataplaneFile)]);
  assert.equal(noCommand.status, 1);
  assert.match(noCommand.stderr, /^Error: --proxyless runs an application: give its command after --/);
  const envoyFlag = await runCli([
    'dp',
    'run',
    '--proxyless',
    '--binary-path',
    'envoy',
    ...dataplaneArgs(s.dataplaneFile),
    '--',
    'true',
  ]);
  assert.equal(envoyFlag.status, 1);
  assert.equal(envoyFlag.stderr, 'Error: --binary-path: Envoy-mode options, not for --proxyless\n');
});
