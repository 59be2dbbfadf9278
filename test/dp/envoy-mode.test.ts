/**
 * `koguma dp run` in Envoy mode, as real processes: the built CLI, a fake
 * control plane answering `POST /bootstrap`, and a stand-in Envoy
 * (fixtures/fake-envoy.ts) that records how it was run.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { productVersion } from '../../src/api/index.js';
import {
  bootstrapAnswer,
  cleanEnv,
  cleanUp,
  envoyRecords,
  exitWithin,
  fakeControlPlane,
  fakeEnvoyBinary,
  freePort,
  isAlive,
  runCli,
  scratchDir,
  startCli,
  stdError,
  waitFor,
  type EnvoyRecord,
} from './harness.js';

after(cleanUp);

const BOOTSTRAP_YAML =
  'node:\n  id: default.web-1\n  cluster: web\nadmin:\n  address:\n    socket_address: {address: 127.0.0.1, port_value: 9901}\n';

const DATAPLANE_TEMPLATE = `type: Dataplane
mesh: default
name: {{ name }}
networking:
  address: {{ address }}
  inbound:
    - port: 20001
      servicePort: 8080
      tags:
        kuma.io/service: web
        kuma.io/protocol: http
`;

const DATAPLANE = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'web-1',
  networking: {
    address: '10.0.0.1',
    inbound: [{ port: 20001, servicePort: 8080, tags: { 'kuma.io/service': 'web', 'kuma.io/protocol': 'http' } }],
  },
};

/** A scratch dir with the Envoy stand-in, the dataplane template and the files the stand-in records to. */
async function setUp() {
  const dir = await scratchDir();
  const dataplaneFile = join(dir, 'dataplane.yaml');
  await writeFile(dataplaneFile, DATAPLANE_TEMPLATE);
  const record = join(dir, 'envoy-events.jsonl');
  return {
    dir,
    binary: await fakeEnvoyBinary(dir),
    dataplaneFile,
    record,
    workdir: join(dir, 'work'),
    crashes: join(dir, 'crashes'),
    events: (event: EnvoyRecord['event']) => envoyRecords(record).filter((r) => r.event === event),
  };
}

type Setup = Awaited<ReturnType<typeof setUp>>;

/** `dp run` in direct mode against `cpUrl`, with short times. */
function dpRun(s: Setup, cpUrl: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return startCli(
    [
      'dp',
      'run',
      '--dataplane-file',
      s.dataplaneFile,
      '--dataplane-var',
      'name=web-1',
      '--dataplane-var',
      'address=10.0.0.1',
      '--cp-address',
      cpUrl,
      '--binary-path',
      s.binary,
      '--workdir',
      s.workdir,
      '--drain-time',
      '1s',
      ...extra,
    ],
    cleanEnv({ FAKE_ENVOY_RECORD: s.record, FAKE_ENVOY_CRASHES: s.crashes, ...env }),
  );
}

test('fetches the bootstrap with the Dataplane, writes it to the workdir, runs Envoy with -c; SIGTERM reaches Envoy and both exit 0', async () => {
  const s = await setUp();
  const cp = await fakeControlPlane(() => bootstrapAnswer(BOOTSTRAP_YAML));
  const dp = dpRun(s, cp.url, ['--admin-port', '9902', '--', '--concurrency', '2']);

  const [start] = await waitFor('envoy to start', () => (s.events('start').length > 0 ? s.events('start') : undefined));
  const bootstrapPath = join(s.workdir, 'bootstrap.yaml');
  const adminAddressPath = join(s.workdir, 'envoy-admin-address');
  assert.deepEqual(start?.argv, [
    '-c',
    bootstrapPath,
    '--drain-time-s',
    '1',
    '--disable-hot-restart',
    '--admin-address-path',
    adminAddressPath,
    '--concurrency',
    '2',
  ]);
  assert.equal(start?.bootstrap, BOOTSTRAP_YAML, 'Envoy reads the YAML the control plane answered');
  assert.equal(readFileSync(bootstrapPath, 'utf8'), BOOTSTRAP_YAML);

  assert.equal(cp.calls.length, 1);
  const call = cp.calls[0]!;
  assert.equal(call.headers.accept, 'application/json');
  assert.equal(call.headers['content-type'], 'application/json');
  const { dataplaneResource, version, features, ...rest } = call.body;
  assert.deepEqual(rest, {
    mesh: 'default',
    name: 'web-1',
    proxyType: 'dataplane',
    workdir: s.workdir,
    adminPort: 9902,
  });
  const withAdmin = { ...DATAPLANE, networking: { ...DATAPLANE.networking, admin: { port: 9902 } } };
  assert.deepEqual(
    JSON.parse(String(dataplaneResource)),
    withAdmin,
    'the template is filled, --admin-port added, the document sent as JSON text',
  );
  assert.deepEqual(
    version,
    {
      kumaDp: { version: productVersion },
      envoy: {
        version: '1.38.3',
        build: '0123456789abcdef0123456789abcdef01234567/1.38.3/Clean/RELEASE/BoringSSL',
        kumaDpCompatible: true,
      },
    },
    "the agent's release and the release and build its Envoy's --version reported",
  );
  assert.deepEqual(features, [], 'none of the features a Kuma data plane may declare');

  dp.child.kill('SIGTERM');
  assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
  assert.deepEqual(
    s.events('signal').map((r) => [r.pid, r.signal]),
    [[start?.pid, 'SIGTERM']],
    'the signal was forwarded to Envoy',
  );
  assert.equal(s.events('exit').length, 1, 'Envoy drained and exited');
  assert.equal(isAlive(start!.pid), false);
  assert.match(dp.stderr(), /koguma-dp: bootstrap written to .*bootstrap\.yaml\n/);
  assert.match(dp.stderr(), /koguma-dp: stopping envoy \(pid \d+\): sent SIGTERM, waiting up to 6s for it to exit\n/);
  assert.match(dp.stderr(), /koguma-dp: exiting with status 0\n/);
  await cp.close();
});

test('an Envoy that crashes is restarted after a backoff that doubles; SIGINT stops it too', async () => {
  const s = await setUp();
  await writeFile(s.crashes, '2');
  const cp = await fakeControlPlane(() => bootstrapAnswer(BOOTSTRAP_YAML));
  const dp = dpRun(s, cp.url, ['--restart-backoff', '300ms', '--restart-backoff-max', '5s']);

  const starts = await waitFor('a third start', () => (s.events('start').length >= 3 ? s.events('start') : undefined));
  const crashes = s.events('crash');
  assert.equal(crashes.length, 2);
  assert.ok(
    starts[1]!.at - crashes[0]!.at >= 300,
    `first restart waited ${starts[1]!.at - crashes[0]!.at} ms, expected 300`,
  );
  assert.ok(
    starts[2]!.at - crashes[1]!.at >= 600,
    `second restart waited ${starts[2]!.at - crashes[1]!.at} ms, expected 600`,
  );
  assert.match(dp.stderr(), /envoy \(pid \d+\) exited with code 3 after [\d.]+m?s; restarting it in 300ms\n/);
  assert.match(dp.stderr(), /restarting it in 600ms\n/);
  assert.equal(new Set(starts.map((r) => r.pid)).size, 3, 'three distinct processes');
  assert.equal(cp.calls.length, 1, 'a restart reuses the bootstrap already written');

  dp.child.kill('SIGINT');
  assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
  assert.deepEqual(
    s.events('signal').map((r) => r.signal),
    ['SIGINT'],
  );
  await cp.close();
});

test('a control plane that is down at first is retried, with a log line, until it answers', async () => {
  const s = await setUp();
  const port = await freePort();
  const dp = dpRun(s, `http://127.0.0.1:${port}`);
  await waitFor('a retry log line', () =>
    /cannot reach the control plane at http:\/\/127\.0\.0\.1:\d+: .*; retrying in 500ms \(giving up in [\dm.s]+\)\n/.test(
      dp.stderr(),
    )
      ? true
      : undefined,
  );
  assert.equal(s.events('start').length, 0, 'no Envoy without a bootstrap');
  const cp = await fakeControlPlane(() => bootstrapAnswer(BOOTSTRAP_YAML), port);
  await waitFor('envoy to start', () => (s.events('start').length > 0 ? true : undefined));
  assert.equal(s.events('start')[0]?.bootstrap, BOOTSTRAP_YAML);
  dp.child.kill('SIGTERM');
  assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
  await cp.close();
});

test('indirect mode: no dataplaneResource; "not found" is retried until the Dataplane exists', async () => {
  const s = await setUp();
  const cp = await fakeControlPlane((call) =>
    call < 2 ? stdError(404, 'Not found', 'dataplane default/web-1 not found') : bootstrapAnswer(BOOTSTRAP_YAML),
  );
  const dp = startCli(
    [
      'dp',
      'run',
      '--mesh',
      'default',
      '--name',
      'web-1',
      '--cp-address',
      cp.url,
      '--binary-path',
      s.binary,
      '--workdir',
      s.workdir,
      '--drain-time',
      '0s',
    ],
    cleanEnv({ FAKE_ENVOY_RECORD: s.record }),
  );
  await waitFor('envoy to start', () => (s.events('start').length > 0 ? true : undefined));
  assert.equal(cp.calls.length, 3);
  assert.deepEqual(Object.keys(cp.calls[0]!.body).sort(), [
    'features',
    'mesh',
    'name',
    'proxyType',
    'version',
    'workdir',
  ]);
  assert.match(dp.stderr(), /dataplane default\/web-1 \(indirect: it must exist in the control plane\)/);
  assert.match(
    dp.stderr(),
    /dataplane default\/web-1 is not in the control plane \(Not found: dataplane default\/web-1 not found\); apply it, or pass --dataplane-file; retrying in 500ms/,
  );
  dp.child.kill('SIGTERM');
  assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
  await cp.close();
});

test('a refused bootstrap (422) fails at once with the reason and the fields; no Envoy runs', async () => {
  const s = await setUp();
  const cp = await fakeControlPlane(() =>
    stdError(422, 'Invalid input', 'the dataplane is not valid', [
      { field: 'networking.address', reason: 'must be an IP address' },
    ]),
  );
  const result = await runCli(
    [
      'dp',
      'run',
      '--dataplane-file',
      s.dataplaneFile,
      '--dataplane-var',
      'name=web-1',
      '--dataplane-var',
      'address=10.0.0.1',
      '--cp-address',
      cp.url,
      '--binary-path',
      s.binary,
    ],
    cleanEnv({ FAKE_ENVOY_RECORD: s.record }),
  );
  assert.equal(result.status, 1);
  assert.match(
    result.stderr,
    /\nError: the control plane refused the bootstrap request: HTTP 422 Invalid input: the dataplane is not valid\n {2}networking\.address: must be an IP address\n$/,
  );
  assert.equal(cp.calls.length, 1, 'not retried');
  assert.equal(s.events('start').length, 0);
  await cp.close();
});

test('a control plane that never answers fails after --bootstrap-timeout; SIGTERM while retrying exits at once', async () => {
  const s = await setUp();
  const port = await freePort();
  const timedOut = await runCli([
    'dp',
    'run',
    '--mesh',
    'm',
    '--name',
    'n',
    '--cp-address',
    `http://127.0.0.1:${port}`,
    '--binary-path',
    s.binary,
    '--bootstrap-timeout',
    '1200ms',
  ]);
  assert.equal(timedOut.status, 1);
  assert.match(
    timedOut.stderr,
    /\nError: no bootstrap from the control plane within --bootstrap-timeout 1\.2s: cannot reach the control plane at http:\/\/127\.0\.0\.1:\d+: .+\n$/,
  );

  const dp = startCli([
    'dp',
    'run',
    '--mesh',
    'm',
    '--name',
    'n',
    '--cp-address',
    `http://127.0.0.1:${port}`,
    '--binary-path',
    s.binary,
  ]);
  await waitFor('a retry', () => (/retrying in/.test(dp.stderr()) ? true : undefined));
  dp.child.kill('SIGTERM');
  assert.equal(await exitWithin(dp, 5_000), 143);
  assert.match(dp.stderr(), /SIGTERM received before Envoy started: exiting\n/);
});

test('an Envoy that does not exit within the drain time and grace is killed; the status says so', async () => {
  const s = await setUp();
  const cp = await fakeControlPlane(() => bootstrapAnswer(BOOTSTRAP_YAML));
  const dp = dpRun(s, cp.url, ['--drain-time', '0s'], { FAKE_ENVOY_IGNORE_STOP: '1' });
  await waitFor('envoy to start', () => (s.events('start').length > 0 ? true : undefined));
  dp.child.kill('SIGTERM');
  assert.equal(await exitWithin(dp, 60_000), 137, dp.stderr());
  assert.equal(s.events('signal').length, 1);
  assert.match(dp.stderr(), /envoy \(pid \d+\) did not exit within 5s: killing it\n/);
  assert.match(dp.stderr(), /envoy \(pid \d+\) was killed by SIGKILL\n/);
  await cp.close();
});

test('a missing Envoy binary, or an invalid dataplane file, is an error before anything runs', async () => {
  const s = await setUp();
  const cp = await fakeControlPlane(() => bootstrapAnswer(BOOTSTRAP_YAML));
  const missing = await runCli([
    'dp',
    'run',
    '--mesh',
    'm',
    '--name',
    'n',
    '--cp-address',
    cp.url,
    '--binary-path',
    join(s.dir, 'no-envoy'),
  ]);
  assert.equal(missing.status, 1);
  assert.match(
    missing.stderr,
    /^Error: Envoy not found: --binary-path .*no-envoy: no such file \(.*no-envoy\)\ninstall Envoy .*, or pass --binary-path\n$/,
  );

  const invalid = await runCli([
    'dp',
    'run',
    '--dataplane-file',
    s.dataplaneFile,
    '--dataplane-var',
    'name=web-1',
    '--dataplane-var',
    'address=',
    '--cp-address',
    cp.url,
  ]);
  assert.equal(invalid.status, 1);
  assert.equal(
    invalid.stderr,
    `Error: ${s.dataplaneFile} is not a valid Dataplane\n  networking.address: in body must be of type string: "null"\n`,
    'an empty value leaves a YAML null',
  );
  assert.equal(cp.calls.length, 0, 'neither asked for a bootstrap');
  await cp.close();
});
