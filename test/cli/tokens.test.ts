/**
 * `koguma generate dataplane-token`, `koguma revoke dataplane-token` and
 * `koguma generate signing-key` as a person runs them, against a real control
 * plane; results checked through the REST API, not through the CLI.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { apiGet, killAll, runCli, startTestControlPlane, testDataDir } from './harness.js';

let cp: RunningControlPlane;
before(async () => {
  cp = await startTestControlPlane();
});
after(async () => {
  await cp.close();
  killAll();
});

const koguma = (args: string[]) => runCli(['--api-url', cp.apiUrl, ...args]);

test('generate dataplane-token prints only the token, with the name, tags, type and lifetime asked for', async () => {
  const result = await koguma([
    'generate',
    'dataplane-token',
    '--mesh',
    'default',
    '--name',
    'web-1',
    '--tag',
    'kuma.io/service=web,web-admin',
    '--tag',
    'version=v1',
    '--tag',
    'kuma.io/service=web',
    '--valid-for',
    '2h',
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.match(result.stdout, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
  const claims = decodeJwt(result.stdout.trim());
  assert.equal(claims['Name'], 'web-1');
  assert.equal(claims['Mesh'], 'default');
  assert.deepEqual(claims['Tags'], { 'kuma.io/service': ['web', 'web-admin'], version: ['v1'] });
  assert.equal(claims['Type'], 'dataplane');
  assert.equal(claims.exp! - claims.iat!, 7200);
});

test('generate dataplane-token defaults to the default mesh, any name and 24h', async () => {
  const result = await koguma(['generate', 'dataplane-token']);
  assert.equal(result.code, 0, result.stderr);
  const claims = decodeJwt(result.stdout.trim());
  assert.equal(claims['Mesh'], 'default');
  assert.equal(claims['Name'], undefined);
  assert.equal(claims.exp! - claims.iat!, 24 * 3600);
});

test('a malformed --tag is refused by the CLI; a bad lifetime or mesh by the server, with the field named', async () => {
  const tag = await koguma(['generate', 'dataplane-token', '--tag', 'novalue']);
  assert.equal(tag.code, 1);
  assert.match(tag.stderr, /option '--tag <key=value>' argument 'novalue' is invalid\. "novalue" is not key=value/);
  const lifetime = await koguma(['generate', 'dataplane-token', '--valid-for', 'forever']);
  assert.equal(lifetime.code, 1);
  assert.equal(
    lifetime.stderr,
    'Error: Invalid input: the dataplane token request is not valid\n  validFor: must be a duration like 24h, 30m or 8760h\n',
  );
  const mesh = await koguma(['generate', 'dataplane-token', '--mesh', 'nowhere']);
  assert.equal(mesh.stderr, 'Error: Not found: Mesh "nowhere" not found\n');
});

test('revoke dataplane-token by the token file puts its id in the revocation Secret', async () => {
  const token = (await koguma(['generate', 'dataplane-token', '--name', 'web-9'])).stdout.trim();
  const file = join(testDataDir(), 'token');
  await writeFile(file, `${token}\n`);
  const jti = String(decodeJwt(token).jti);
  const result = await koguma(['revoke', 'dataplane-token', '--token-file', file]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `dataplane token ${jti} revoked in mesh "default": it is refused from now on, and streams opened with it end within seconds\n`,
  );
  const secret = await apiGet(cp.apiUrl, '/meshes/default/secrets/dataplane-token-revocations-default');
  assert.equal(secret.status, 200);
  assert.ok(
    Buffer.from((secret.body as { data: string }).data, 'base64')
      .toString()
      .split(',')
      .includes(jti),
  );
  const byId = await koguma(['revoke', 'dataplane-token', '--id', 'another-id']);
  assert.equal(byId.code, 0, byId.stderr);
});

test('revoke refuses a token of another mesh, and needs exactly one of --id, --token, --token-file', async () => {
  await runCli(['--api-url', cp.apiUrl, 'apply', '-f', '-'], { input: 'type: Mesh\nname: other\n' });
  const token = (await koguma(['generate', 'dataplane-token', '--mesh', 'other'])).stdout.trim();
  const wrongMesh = await koguma(['revoke', 'dataplane-token', '--token', token]);
  assert.equal(wrongMesh.code, 1);
  assert.equal(wrongMesh.stderr, 'Error: the token is for mesh "other", not "default": pass --mesh other\n');
  const none = await koguma(['revoke', 'dataplane-token']);
  assert.equal(none.stderr, 'Error: give exactly one of --id, --token or --token-file\n');
  const notJwt = await koguma(['revoke', 'dataplane-token', '--token', 'abc']);
  assert.equal(notJwt.stderr, 'Error: --token is not a dataplane token (not a JWT)\n');
});

test('generate signing-key prints a P-256 key, base64, ready for a Secret', async () => {
  const result = await runCli(['generate', 'signing-key']);
  assert.equal(result.code, 0, result.stderr);
  const key = createPrivateKey(Buffer.from(result.stdout.trim(), 'base64').toString());
  assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
});
