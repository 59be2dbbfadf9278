/**
 * `koguma dp run` with a dataplane token: the agent reads it from
 * --dataplane-token-file, --dataplane-token or their KOGUMA_DP_* variables,
 * sends it with the bootstrap request, and Envoy's bootstrap presents it on
 * the ADS stream. Against a fake /bootstrap (what is sent) and a real
 * control plane that requires tokens (what comes back).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { parse } from 'yaml';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import {
  appOutput,
  bootstrapAnswer,
  cleanEnv,
  cleanUp,
  envoyRecords,
  exitWithin,
  fakeControlPlane,
  fakeEnvoyBinary,
  GRPC_APP,
  runCli,
  scratchDir,
  startCli,
  waitFor,
} from './harness.js';

after(cleanUp);

const TOKEN = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ.eyJNZXNoIjoiZGVmYXVsdCJ9.c2lnbmF0dXJl';
const YAML = 'node:\n  id: default.web-1\n';

async function setUp() {
  const dir = await scratchDir();
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  return { dir, tokenFile, record: join(dir, 'events.jsonl'), binary: await fakeEnvoyBinary(dir) };
}

const envoyArgs = (cpUrl: string, binary: string, workdir: string) => [
  'dp',
  'run',
  '--mesh',
  'default',
  '--name',
  'web-1',
  '--cp-address',
  cpUrl,
  '--binary-path',
  binary,
  '--workdir',
  workdir,
  '--drain-time',
  '0s',
];

describe('what the agent sends', () => {
  test('--dataplane-token-file: the token, without its newline, goes in the bootstrap request', async () => {
    const s = await setUp();
    const cp = await fakeControlPlane(() => bootstrapAnswer(YAML));
    const dp = startCli(
      [...envoyArgs(cp.url, s.binary, join(s.dir, 'work')), '--dataplane-token-file', s.tokenFile],
      cleanEnv({ FAKE_ENVOY_RECORD: s.record }),
    );
    await waitFor('envoy to start', () => envoyRecords(s.record).find((r) => r.event === 'start'));
    assert.equal(cp.calls[0]?.body['dataplaneToken'], TOKEN);
    dp.child.kill('SIGTERM');
    assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
    await cp.close();
  });

  test('KOGUMA_DP_DATAPLANE_TOKEN works like --dataplane-token', async () => {
    const s = await setUp();
    const cp = await fakeControlPlane(() => bootstrapAnswer(YAML));
    const dp = startCli(
      envoyArgs(cp.url, s.binary, join(s.dir, 'work')),
      cleanEnv({ FAKE_ENVOY_RECORD: s.record, KOGUMA_DP_DATAPLANE_TOKEN: TOKEN }),
    );
    await waitFor('envoy to start', () => envoyRecords(s.record).find((r) => r.event === 'start'));
    assert.equal(cp.calls[0]?.body['dataplaneToken'], TOKEN);
    dp.child.kill('SIGTERM');
    assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
    await cp.close();
  });

  test('both options, or a file that holds no token, stop the agent before it asks anything', async () => {
    const s = await setUp();
    const cp = await fakeControlPlane(() => bootstrapAnswer(YAML));
    const both = await runCli([
      ...envoyArgs(cp.url, s.binary, join(s.dir, 'work')),
      '--dataplane-token',
      TOKEN,
      '--dataplane-token-file',
      s.tokenFile,
    ]);
    assert.equal(both.status, 1);
    assert.equal(both.stderr, 'Error: give --dataplane-token or --dataplane-token-file, not both\n');
    const pem = join(s.dir, 'key.pem');
    await writeFile(pem, '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n');
    const wrong = await runCli([...envoyArgs(cp.url, s.binary, join(s.dir, 'work')), '--dataplane-token-file', pem]);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, new RegExp(`^Error: the dataplane token file ${pem} does not hold a dataplane token`));
    assert.equal(cp.calls.length, 0);
    await cp.close();
  });

  test('--proxyless takes the token options too, and never hands the token to the application', async () => {
    const s = await setUp();
    const file = join(s.dir, 'dataplane.yaml');
    await writeFile(
      file,
      'type: Dataplane\nmesh: default\nname: api-1\nnetworking:\n  address: 127.0.0.1\n  inbound:\n    - port: 9090\n      tags:\n        kuma.io/service: api\n',
    );
    const out = join(s.dir, 'app.json');
    const run = await runCli(
      [
        'dp',
        'run',
        '--proxyless',
        '--dataplane-file',
        file,
        '--cp-address',
        'http://127.0.0.1:15678',
        '--dataplane-token-file',
        s.tokenFile,
        '--',
        process.execPath,
        GRPC_APP,
        out,
        '0',
      ],
      cleanEnv(),
    );
    assert.equal(run.status, 0, run.stderr);
    const app = appOutput(out);
    assert.ok(app, 'the application ran');
    assert.doesNotMatch(JSON.stringify(app), new RegExp(TOKEN.replace(/\./g, '\\.')));
  });
});

describe('against a control plane that requires tokens', () => {
  let cp: RunningControlPlane;
  before(async () => {
    // Plaintext DP server: this is about the token; TLS has its own tests.
    const flags = {
      store: 'memory',
      apiPort: '0',
      xdsPort: '0',
      xdsTls: 'false',
      dataDir: await scratchDir(),
    } as const;
    cp = await startControlPlane(resolveConfig(flags, {}), { logger: pino({ level: 'silent' }) });
  });
  after(() => cp?.close());

  const webFile = async (dir: string) => {
    const file = join(dir, 'web.yaml');
    await writeFile(
      file,
      'type: Dataplane\nmesh: default\nname: web-1\nnetworking:\n  address: 127.0.0.1\n  inbound:\n    - port: 20001\n      tags:\n        kuma.io/service: web\n',
    );
    return file;
  };

  test('with a token issued by the API, Envoy starts with the token as its ADS authorization', async () => {
    const s = await setUp();
    const issued = await fetch(`${cp.apiUrl}/tokens/dataplane`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mesh: 'default', name: 'web-1', validFor: '1h' }),
    });
    const token = await issued.text();
    assert.equal(issued.status, 200, token);
    await writeFile(s.tokenFile, token);
    const args = [
      'dp',
      'run',
      '--dataplane-file',
      await webFile(s.dir),
      '--cp-address',
      cp.xdsUrl,
      '--binary-path',
      s.binary,
      '--workdir',
      join(s.dir, 'work'),
      '--drain-time',
      '0s',
    ];
    const dp = startCli([...args, '--dataplane-token-file', s.tokenFile], cleanEnv({ FAKE_ENVOY_RECORD: s.record }));
    const start = await waitFor(
      'envoy to start',
      () => envoyRecords(s.record).find((r) => r.event === 'start'),
      60_000,
    );
    const bootstrap = parse(start.bootstrap ?? '') as {
      dynamic_resources: { ads_config: { grpc_services: { initial_metadata: unknown }[] } };
    };
    assert.deepEqual(bootstrap.dynamic_resources.ads_config.grpc_services[0]?.initial_metadata, [
      { key: 'authorization', value: `Bearer ${token}` },
    ]);
    dp.child.kill('SIGTERM');
    assert.equal(await exitWithin(dp, 60_000), 0, dp.stderr());
  });

  test('without a token the agent stops at once with the reason, rather than retrying', async () => {
    const s = await setUp();
    const args = [
      'dp',
      'run',
      '--dataplane-file',
      await webFile(s.dir),
      '--cp-address',
      cp.xdsUrl,
      '--binary-path',
      s.binary,
      '--workdir',
      join(s.dir, 'work'),
      '--drain-time',
      '0s',
    ];
    const run = await runCli(args, cleanEnv({ FAKE_ENVOY_RECORD: s.record }));
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /Error: the control plane refused the bootstrap request: HTTP 422 .*a dataplane token is required\n {2}dataplaneToken: is required: this control plane runs with --dp-auth dpToken/,
    );
    assert.deepEqual(envoyRecords(s.record), [], 'Envoy never ran');
  });
});
