import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ownerOnlyMode, tightenTree } from './owner-only.js';

const modeOf = (path: string) => lstatSync(path).mode & 0o777;

test('ownerOnlyMode keeps the owner bits and drops the rest', () => {
  assert.deepEqual(
    [0o755, 0o666, 0o644, 0o600, 0o400, 0o777].map(ownerOnlyMode),
    [0o700, 0o600, 0o600, 0o600, 0o400, 0o700],
  );
});

test('tightenTree removes group and other access below a root, counts what it changed, leaves links and tight entries alone', () => {
  const root = mkdtempSync(join(tmpdir(), 'koguma-owner-only-'));
  try {
    mkdirSync(join(root, 'open'));
    writeFileSync(join(root, 'open', 'key'), 'secret');
    writeFileSync(join(root, 'tight'), 'already');
    chmodSync(join(root, 'tight'), 0o600);
    symlinkSync('/etc/hostname', join(root, 'link'));
    chmodSync(join(root, 'open', 'key'), 0o644);
    chmodSync(join(root, 'open'), 0o755);
    chmodSync(root, 0o777);

    assert.deepEqual(tightenTree(root), { files: 1, dirs: 2, failed: [] });
    assert.deepEqual(
      [root, join(root, 'open'), join(root, 'open', 'key'), join(root, 'tight')].map(modeOf),
      [0o700, 0o700, 0o600, 0o600],
    );
    assert.deepEqual(tightenTree(root), { files: 0, dirs: 0, failed: [] }, 'a second pass finds nothing');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('tightenTree of a missing root has nothing to do', () => {
  assert.deepEqual(tightenTree(join(tmpdir(), 'koguma-owner-only-absent', 'data')), { files: 0, dirs: 0, failed: [] });
});
