#!/usr/bin/env node
// The GUI's browser tests drive Debian's Chromium (/usr/bin/chromium) with
// playwright-core. When it is missing and this machine can install Debian
// packages (root, apt-get), install it once; otherwise say what to do.
// KOGUMA_CHROMIUM names another binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const binary = process.env.KOGUMA_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(binary)) process.exit(0);
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!root || !existsSync('/usr/bin/apt-get')) {
  console.error(
    `install-chromium: ${binary} is missing; install it (Debian: apt-get install chromium) or set KOGUMA_CHROMIUM`,
  );
  process.exit(1);
}
console.error('install-chromium: installing Debian chromium (one time)');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
if (
  !run(['install', '-y', '--no-install-recommends', 'chromium']) &&
  !(run(['update']) && run(['install', '-y', '--no-install-recommends', 'chromium']))
) {
  console.error('install-chromium: apt-get could not install chromium');
  process.exit(1);
}
