#!/usr/bin/env node
// Builds (npm run build) unless the build is newer than every source: what
// `npm start` runs first, so a start after no change costs no compile.
//
// The build stamps dist/.build-stamp when it completes (scripts/build-gui.mjs, its last step).
// It is stale when any file or directory under src/, gui/, test/, bench/ or scripts/,
// or tsconfig.json, package.json or package-lock.json, changed after it; a
// directory's time covers files removed or renamed in it.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');

/** The latest modification time under `path` (the path itself included); 0 when it does not exist. */
function newest(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  let latest = stats.mtimeMs;
  // Tools' caches (node_modules/.vite) are no source.
  if (stats.isDirectory())
    for (const entry of readdirSync(path))
      if (entry !== 'node_modules') latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const built = newest(stamp);
const inputs = ['src', 'gui', 'test', 'bench', 'scripts', 'tsconfig.json', 'package.json', 'package-lock.json'];
const changed = inputs.filter((input) => newest(join(root, input)) > built);
if (built > 0 && changed.length === 0) process.exit(0);
console.error(
  built === 0 ? 'building (no build yet)' : `building (changed since the last build: ${changed.join(', ')})`,
);
const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
