#!/usr/bin/env node
// Runs every compiled test file with node's test runner. Node 20's runner has no
// glob support, so the files are listed here: unit tests live beside the code
// (dist/src/**/*.test.js), the other layers under dist/test/.
// Usage: node scripts/run-tests.mjs [substring ...] to run only matching files.
// The GUI's unit tests (gui/src/**/*.test.ts) run first, with Vitest, when no
// substring is given or one names `gui/src`.
//
// Files run in parallel, in separate processes: most of the slow ones wait on
// child processes (control planes, proxies, gRPC apps), not on a core. The
// slow layers go first so that they do not all finish last. KOGUMA_TEST_CONCURRENCY
// overrides how many files run at once. The slowest files are listed at the end
// (scripts/test-file-times.mjs).
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith('.test.js')) found.push(path);
  }
  return found;
}

/** Slow layers first: end-to-end, CLI and agent files spawn processes and take the longest. */
const slowFirst = ['dist/test/e2e/', 'dist/test/cli/', 'dist/test/dp/', 'dist/test/xds-server/', 'dist/test/contract/'];
const rank = (file) => {
  const index = slowFirst.findIndex((prefix) => file.startsWith(prefix));
  return index === -1 ? slowFirst.length : index;
};

const files = ['dist/src', 'dist/test']
  .map((d) => join(root, d))
  .filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  })
  .flatMap(findTests)
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

const guiUnits = filters.length === 0 || filters.some((s) => 'gui/src'.includes(s) || s.startsWith('gui/src'));
if (files.length === 0 && !guiUnits) {
  console.error('no test files found (did the build run?)');
  process.exit(1);
}
if (guiUnits) {
  const vitest = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'gui/vitest.config.ts'],
    { cwd: root, stdio: 'inherit' },
  );
  if (vitest.status !== 0) {
    console.error('the GUI unit tests failed');
    process.exit(vitest.status ?? 1);
  }
}
if (files.length === 0) process.exit(0);
const concurrency = Number(process.env.KOGUMA_TEST_CONCURRENCY) || Math.max(2, availableParallelism() * 2);
const started = Date.now();
const result = spawnSync(
  process.execPath,
  [
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/test-file-times.mjs')}`,
    '--test-reporter-destination=stdout',
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
console.log(
  `${files.length} test files, ${concurrency} at a time, in ${((Date.now() - started) / 60_000).toFixed(1)} min`,
);
process.exit(result.status ?? 1);
