import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry } from '../cp/catalogue.js';
import { CliError } from './errors.js';
import { resolveKind, wrapList } from './kinds.js';

test('every spelling of a kind resolves to it', () => {
  for (const spelling of ['MeshTimeout', 'meshtimeout', 'meshtimeouts', 'mt', 'MeshTimeouts'])
    assert.equal(resolveKind(kindRegistry, spelling).name, 'MeshTimeout', spelling);
});

test('an unknown kind is an error that lists the known ones', () => {
  assert.throws(
    () => resolveKind(kindRegistry, 'frobs'),
    (error: unknown) =>
      error instanceof CliError &&
      error.message === 'unknown kind "frobs"' &&
      /dataplanes \(dp\)/.test(error.details[0] ?? ''),
  );
});

test('lists wrap at the width, indented, separated by commas', () => {
  assert.equal(wrapList(['aaaa', 'bbbb', 'cccc'], 14, '  '), '  aaaa, bbbb,\n  cccc');
  assert.equal(wrapList([], 10, '  '), '');
});
