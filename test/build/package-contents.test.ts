/**
 * The published package: what `npm pack` would ship, from the build `npm test`
 * made. It holds the control plane, the agent and the CLI, their docs and
 * examples, and no test, test helper or test data: those import
 * devDependencies that an installed package does not have.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

interface PackedFile {
  readonly path: string;
}

/** The files `npm pack` would put in the tarball (scripts skipped: the build is already there). */
function packedFiles(): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [pack] = JSON.parse(output) as [{ files: PackedFile[] }];
  return pack.files.map((file) => file.path);
}

const TEST_ONLY = [
  /\.test\.js(\.map)?$/,
  /(^|\/)testing\.js(\.map)?$/,
  /(^|\/)testing\//,
  /(^|\/)testkit\//,
  /(^|\/)test-support\.js(\.map)?$/,
  /-fixtures\.js(\.map)?$/,
  /(^|\/)cases\.js(\.map)?$/,
  /(^|\/)testdata\//,
  /^dist\/(test|bench)\//,
];

test('the package ships the programs and their docs, and no test, test helper or test data', () => {
  const files = packedFiles();
  for (const entry of [
    'dist/src/cli/main.js',
    'dist/src/cp/control-plane.js',
    'dist/src/dp/run-envoy.js',
    'dist/gui/index.html',
    'README.md',
    'NOTICE',
  ]) {
    assert.ok(files.includes(entry), `${entry} is packed`);
  }
  assert.deepEqual(
    files.filter((file) => TEST_ONLY.some((pattern) => pattern.test(file))),
    [],
    'test files in the package',
  );
});
