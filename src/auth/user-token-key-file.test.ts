import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKogumaError } from '../api/errors.js';
import {
  ADMIN_TOKEN_FILE,
  ensureAdminToken,
  loadOrCreateUserTokenKey,
  USER_TOKEN_KEY_FILE,
} from './user-token-key-file.js';
import { isAdmin, verifyUserToken } from './user-token.js';

const HOUR = 3600_000;

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-auth-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

test('the key file is created on first use, readable by its owner only, and reused after', () =>
  withTempDir(async (dir) => {
    const first = await loadOrCreateUserTokenKey(dir);
    const path = join(dir, USER_TOKEN_KEY_FILE);
    assert.equal(await modeOf(path), 0o600);
    assert.match(await readFile(path, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    assert.equal((await loadOrCreateUserTokenKey(dir)).kid, first.kid);
    assert.deepEqual(await readdir(dir), [USER_TOKEN_KEY_FILE], 'no temporary file is left behind');
  }));

test('a missing data dir is created, closed to others', () =>
  withTempDir(async (parent) => {
    const dir = join(parent, 'data', 'auth');
    await loadOrCreateUserTokenKey(dir);
    assert.equal(await modeOf(dir), 0o700);
  }));

test('two instances starting on one data dir end up with one key', () =>
  withTempDir(async (dir) => {
    const keys = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateUserTokenKey(dir)));
    assert.equal(new Set(keys.map((key) => key.kid)).size, 1);
    assert.deepEqual(await readdir(dir), [USER_TOKEN_KEY_FILE]);
  }));

test('a key file that is not a P-256 key is an error naming the file, never silently replaced', () =>
  withTempDir(async (dir) => {
    const path = join(dir, USER_TOKEN_KEY_FILE);
    await writeFile(path, 'garbage', { mode: 0o600 });
    await assert.rejects(
      loadOrCreateUserTokenKey(dir),
      (error) => isKogumaError(error) && error.message.includes(path),
    );
    assert.equal(await readFile(path, 'utf8'), 'garbage');
  }));

test('the admin token is written once, owner-only, and is an admin token of the key in the dir', () =>
  withTempDir(async (dir) => {
    const token = await ensureAdminToken(dir);
    const path = join(dir, ADMIN_TOKEN_FILE);
    assert.equal(await modeOf(path), 0o600);
    assert.equal(await readFile(path, 'utf8'), `${token}\n`);
    const user = await verifyUserToken(token, await loadOrCreateUserTokenKey(dir));
    assert.equal(isAdmin(user), true);
    assert.equal(await ensureAdminToken(dir), token, 'a second start keeps the token');
    assert.deepEqual((await readdir(dir)).sort(), [ADMIN_TOKEN_FILE, USER_TOKEN_KEY_FILE]);
  }));

test('an expired admin token is replaced by a working one', () =>
  withTempDir(async (dir) => {
    const then = new Date('2030-01-01T00:00:00Z');
    const old = await ensureAdminToken(dir, { validForMs: HOUR, now: then });
    const later = new Date(then.getTime() + 2 * HOUR);
    const fresh = await ensureAdminToken(dir, { validForMs: HOUR, now: later });
    assert.notEqual(fresh, old);
    await verifyUserToken(fresh, await loadOrCreateUserTokenKey(dir), { now: later });
    assert.equal((await readFile(join(dir, ADMIN_TOKEN_FILE), 'utf8')).trim(), fresh);
  }));

test('an admin token of a replaced key is replaced too', () =>
  withTempDir(async (dir) => {
    const old = await ensureAdminToken(dir);
    await rm(join(dir, USER_TOKEN_KEY_FILE));
    const fresh = await ensureAdminToken(dir);
    assert.notEqual(fresh, old);
    await verifyUserToken(fresh, await loadOrCreateUserTokenKey(dir));
  }));
