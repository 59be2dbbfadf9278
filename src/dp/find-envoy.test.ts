import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DpError } from './errors.js';
import { envoyCandidates, findEnvoy, PROJECT_ENVOY } from './find-envoy.js';

test('without --envoy-path: envoy in each PATH directory, then the Envoy the checkout installs', () => {
  assert.deepEqual(envoyCandidates(undefined, '/opt/bin::relative:/usr/bin'), [
    '/opt/bin/envoy',
    '/usr/bin/envoy',
    PROJECT_ENVOY,
  ]);
  assert.match(PROJECT_ENVOY, /\/\.envoy\/bin\/envoy$/);
});

test('--envoy-path with a slash is that file only; a bare name is looked up in PATH only', () => {
  assert.deepEqual(envoyCandidates('./bin/envoy', '/usr/bin'), [resolve('bin/envoy')]);
  assert.deepEqual(envoyCandidates('envoy-1.38', '/a:/b'), ['/a/envoy-1.38', '/b/envoy-1.38']);
});

test('the first executable file wins; a directory or a file without the execute bit is passed over and named', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-find-envoy-'));
  try {
    await mkdir(join(dir, 'a', 'envoy'), { recursive: true });
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'b', 'envoy'), '#!/bin/sh\n');
    await mkdir(join(dir, 'c'));
    await writeFile(join(dir, 'c', 'envoy'), '#!/bin/sh\n');
    await chmod(join(dir, 'c', 'envoy'), 0o755);
    const path = ['a', 'b', 'c'].map((d) => join(dir, d)).join(':');
    assert.equal(findEnvoy('envoy', path), join(dir, 'c', 'envoy'));
    try {
      findEnvoy('envoy', path.split(':').slice(0, 2).join(':'));
      assert.fail('expected no Envoy');
    } catch (error) {
      assert.ok(error instanceof DpError);
      assert.deepEqual(error.details.slice(0, 3), [
        'looked at:',
        `  ${join(dir, 'a', 'envoy')}: not a file`,
        `  ${join(dir, 'b', 'envoy')}: not executable by this user`,
      ]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
