/**
 * Where the tests find Envoy: the binary scripts/install-envoy.mjs put at
 * .envoy/bin/envoy (npm test runs it first), or the one `KOGUMA_TEST_ENVOY`
 * names. When there is none, `envoyTestOptions` turns the tests that need it
 * into skips that print why: the reason install-envoy.mjs left in
 * .envoy/unavailable. That is the only skip the suite allows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (this file runs from dist/test/support/). */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const INSTALLED_ENVOY = join(REPO, '.envoy', 'bin', 'envoy');

export interface EnvoyBinary {
  readonly path: string;
  /** As `envoy --version` reports it, e.g. 1.38.3. */
  readonly version: string;
}

/** `envoy --version` of `path`, or why it cannot be run. */
export function probeEnvoy(path: string): EnvoyBinary | { readonly reason: string } {
  const run = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (run.error) return { reason: `${path} cannot be run: ${run.error.message}` };
  const version = /version: [0-9a-f]+\/(\d+\.\d+\.\d+)/.exec(run.stdout)?.[1];
  if (run.status !== 0 || version === undefined)
    return { reason: `${path} --version exited ${run.status} without a version: ${run.stdout}${run.stderr}` };
  return { path, version };
}

function locate(): EnvoyBinary | { readonly reason: string } {
  const chosen = process.env['KOGUMA_TEST_ENVOY'];
  if (chosen !== undefined && chosen !== '') return probeEnvoy(chosen);
  if (existsSync(INSTALLED_ENVOY)) return probeEnvoy(INSTALLED_ENVOY);
  const unavailable = join(REPO, '.envoy', 'unavailable');
  if (existsSync(unavailable)) return { reason: readFileSync(unavailable, 'utf8').trim() };
  return { reason: 'no Envoy at .envoy/bin/envoy: run `node scripts/install-envoy.mjs` (npm test does)' };
}

let located: EnvoyBinary | { readonly reason: string } | undefined;

/** The Envoy for tests, looked up once per test process. */
export function testEnvoy(): EnvoyBinary | { readonly reason: string } {
  located ??= locate();
  return located;
}

/** The Envoy binary; throws with the reason when there is none (call it only from a test that was not skipped). */
export function envoyPath(): string {
  const envoy = testEnvoy();
  if ('reason' in envoy) throw new Error(envoy.reason);
  return envoy.path;
}

/** Options for `test()`/`describe()` that need Envoy: a skip naming the reason, only when there is no Envoy. */
export function envoyTestOptions(): { skip?: string } {
  const envoy = testEnvoy();
  return 'reason' in envoy ? { skip: envoy.reason } : {};
}
