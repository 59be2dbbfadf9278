/**
 * The CLI's configuration file and the API's access rules from the CLI's
 * side: `koguma config set-api` stores the target and token privately, every
 * command uses them, and the token never goes to another server.
 * Also the control plane's new flags as `koguma cp run` takes them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { parse } from 'yaml';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';
import { MESH_YAML } from './fixtures.js';
import { exitWithin, killAll, runCli, spawnControlPlane, testDataDir, withoutKogumaEnv } from './harness.js';

after(() => killAll());

/** A control plane where nobody is an administrator without a token, not even on loopback. */
async function lockedControlPlane(): Promise<{ cp: RunningControlPlane; adminTokenFile: string }> {
  const dataDir = testDataDir();
  const config = resolveConfig({ store: 'memory', apiPort: '0', xdsPort: '0', localhostIsAdmin: 'false', dataDir }, {});
  return {
    cp: await startControlPlane(config, { logger: pino({ level: 'silent' }) }),
    adminTokenFile: join(dataDir, 'admin-token'),
  };
}

describe('koguma config', () => {
  let locked: { cp: RunningControlPlane; adminTokenFile: string };
  let other: { cp: RunningControlPlane; adminTokenFile: string };
  let env: NodeJS.ProcessEnv;
  let configFile: string;
  before(async () => {
    [locked, other] = await Promise.all([lockedControlPlane(), lockedControlPlane()]);
    configFile = join(testDataDir(), 'cli', 'config.yaml');
    env = withoutKogumaEnv({ KOGUMA_CONFIG: configFile });
  });
  after(async () => {
    await locked?.cp.close();
    await other?.cp.close();
  });

  test('without a token, a write to a control plane that trusts no one is refused with the reason', async () => {
    const result = await runCli(['--api-url', locked.cp.apiUrl, 'apply', '-f', '-'], { input: MESH_YAML, env });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^Error: <stdin>#1 mesh "e2e": Forbidden: PUT \/meshes\/e2e needs an administrator; an anonymous client at \S+ is not one/,
    );
  });

  test('set-api writes the file 0600 in a 0700 directory, and view masks the token', async () => {
    const token = readFileSync(locked.adminTokenFile, 'utf8').trim();
    const set = await runCli(
      ['config', 'set-api', '--url', `${locked.cp.apiUrl}/`, '--token-file', locked.adminTokenFile],
      { env },
    );
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, `${configFile}: control plane ${locked.cp.apiUrl}, with a token\n`);
    assert.equal(statSync(configFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(configFile, '..')).mode & 0o777, 0o700);
    assert.deepEqual(parse(readFileSync(configFile, 'utf8')), { apiUrl: locked.cp.apiUrl, token });

    const view = await runCli(['config', 'view'], { env });
    assert.equal(view.code, 0, view.stderr);
    assert.ok(!view.stdout.includes(token), 'the token is not printed');
    assert.equal(
      view.stdout,
      `file: ${configFile}\napiUrl: ${locked.cp.apiUrl}\ntoken: ${token.slice(0, 4)}…${token.slice(-4)} (hidden, ${token.length} characters)\n`,
    );
  });

  test('every command then uses the stored URL and token', async () => {
    const applied = await runCli(['apply', '-f', '-'], { input: MESH_YAML, env });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout, 'mesh "e2e" created\n');
    const secrets = await runCli(['get', 'secrets', '-m', 'e2e', '-o', 'json'], { env });
    assert.equal(secrets.code, 0, secrets.stderr);
    const token = await runCli(['generate', 'dataplane-token', '--mesh', 'e2e'], { env });
    assert.equal(token.code, 0, token.stderr);
  });

  test('--api-url to another control plane does not carry the stored token there', async () => {
    const result = await runCli(['--api-url', other.cp.apiUrl, 'apply', '-f', '-'], { input: MESH_YAML, env });
    assert.equal(result.code, 1);
    // Anonymous (403), not a foreign token refused (401): the token stayed home.
    assert.match(result.stderr, /^Error: <stdin>#1 mesh "e2e": Forbidden: .* an anonymous client at /);
    const withToken = await runCli(
      [
        '--api-url',
        other.cp.apiUrl,
        '--api-token',
        readFileSync(other.adminTokenFile, 'utf8').trim(),
        'apply',
        '-f',
        '-',
      ],
      {
        input: MESH_YAML,
        env,
      },
    );
    assert.equal(withToken.code, 0, withToken.stderr);
  });

  test('set-api without a token drops the old one; a file that is not ours is reported, not ignored', async () => {
    const set = await runCli(['config', 'set-api', '--url', other.cp.apiUrl], { env });
    assert.equal(set.stdout, `${configFile}: control plane ${other.cp.apiUrl}, no token\n`);
    assert.deepEqual(parse(readFileSync(configFile, 'utf8')), { apiUrl: other.cp.apiUrl });
    const badUrl = await runCli(['config', 'set-api', '--url', 'ftp://x'], { env });
    assert.equal(badUrl.stderr, 'Error: invalid API URL "ftp://x": must start with http:// or https://\n');
    const broken = join(testDataDir(), 'broken.yaml');
    await import('node:fs/promises').then((fs) => fs.writeFile(broken, 'apiUrl: [1]\npassword: x\n'));
    const view = await runCli(['get', 'meshes'], { env: withoutKogumaEnv({ KOGUMA_CONFIG: broken }) });
    assert.equal(view.code, 1);
    assert.equal(
      view.stderr,
      `Error: the CLI configuration ${broken} is not valid (fix it, or write it again with koguma config set-api)\n  password: unknown field\n  apiUrl: must be a string\n`,
    );
  });
});

describe('koguma cp run: authentication flags', () => {
  test('--dp-auth none logs a warning at start', async () => {
    const cp = await spawnControlPlane(['--store', 'memory', '--dp-auth', 'none', '--xds-tls', 'false']);
    assert.match(cp.output(), /dataplane authentication is off \(--dp-auth none\)/);
    cp.child.kill('SIGTERM');
    assert.equal(await exitWithin(cp.exited, 60_000), 0, cp.output());
  });

  test('it logs where the admin token is, and writes it there', async () => {
    const dataDir = testDataDir();
    const cp = await spawnControlPlane(['--store', 'memory', '--data-dir', dataDir, '--xds-tls', 'false']);
    assert.match(
      cp.output(),
      new RegExp(`admin token in ${join(dataDir, 'admin-token').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
    );
    assert.equal(statSync(join(dataDir, 'admin-token')).mode & 0o777, 0o600);
    cp.child.kill('SIGTERM');
    assert.equal(await exitWithin(cp.exited, 60_000), 0, cp.output());
  });

  test('--api-read-only alone turns writes into 405', async () => {
    const cp = await spawnControlPlane(['--store', 'memory', '--api-read-only', '--xds-tls', 'false']);
    const applied = await runCli(['--api-url', cp.apiUrl, 'apply', '-f', '-'], { input: MESH_YAML });
    assert.equal(applied.code, 1);
    assert.match(
      applied.stderr,
      /^Error: <stdin>#1 mesh "e2e": Read only: the API is read-only \(--api-read-only\): PUT \/meshes\/e2e is refused/,
    );
    cp.child.kill('SIGTERM');
    assert.equal(await exitWithin(cp.exited, 60_000), 0, cp.output());
  });

  test('a boolean flag with a value that is not true or false is refused naming it', async () => {
    const result = await runCli([
      'cp',
      'run',
      '--store',
      'memory',
      '--localhost-is-admin',
      'maybe',
      '--dp-auth',
      'jwt',
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /\n {2}--dp-auth: must be one of: dpToken, none\n/);
    assert.match(result.stderr, /\n {2}--localhost-is-admin: must be true or false\n/);
  });
});
