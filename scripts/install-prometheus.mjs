#!/usr/bin/env node
// The control-plane metrics test scrapes `GET /metrics` with a real
// Prometheus, Debian's (/usr/bin/prometheus), which the test starts itself.
// When it is missing and this machine can install Debian packages (root,
// apt-get), install it once, and stop the service the package may have
// started: only the test's own Prometheus should run. Otherwise say what to do;
// the test then is skipped with the reason. KOGUMA_PROMETHEUS names another binary.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const binary = process.env.KOGUMA_PROMETHEUS ?? '/usr/bin/prometheus';
if (existsSync(binary)) process.exit(0);
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!root || !existsSync('/usr/bin/apt-get')) {
  console.error(
    `install-prometheus: ${binary} is missing; install it (Debian: apt-get install prometheus) or set KOGUMA_PROMETHEUS; the Prometheus test is skipped until then`,
  );
  process.exit(0);
}
/** The ids of running `prometheus` processes. */
const running = () =>
  new Set(
    (spawnSync('pgrep', ['-x', 'prometheus'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter((id) => id !== ''),
  );
const before = running();
console.error('install-prometheus: installing Debian prometheus (one time)');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
const installed =
  run(['install', '-y', '--no-install-recommends', 'prometheus']) ||
  (run(['update']) && run(['install', '-y', '--no-install-recommends', 'prometheus']));
// The package's service, when the install started one: stopped and not started again at boot.
if (existsSync('/usr/bin/systemctl') || existsSync('/bin/systemctl'))
  spawnSync('systemctl', ['disable', '--now', 'prometheus'], { stdio: 'ignore' });
for (const id of running()) if (!before.has(id)) process.kill(Number(id), 'SIGTERM');
if (!installed)
  console.error('install-prometheus: apt-get could not install prometheus; the Prometheus test is skipped');
