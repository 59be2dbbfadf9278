/**
 * `envoy --mode validate`: Envoy loads a bootstrap as it would to serve
 * (parsing with unknown fields rejected, building static listeners, clusters,
 * TLS contexts and inline route tables) and exits 0, or prints why not and
 * exits 1. It connects to nothing and binds nothing, so runs are independent
 * and take about 50 ms each.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EnvoyVerdict {
  readonly accepted: boolean;
  /** Envoy's own words: its critical line when it rejects, else its whole output. */
  readonly message: string;
}

const VALIDATE_TIMEOUT_MS = 30_000;

/** Envoy's reason, without the log prefix `[time][tid][critical][main] [file:line]`. */
function reasonOf(output: string): string {
  const critical = output.split('\n').filter((line) => line.includes('[critical]'));
  const lines = critical.length > 0 ? critical : output.trim().split('\n');
  return lines.map((line) => line.replace(/^\[[^\]]*\]\[\d+\]\[\w+\]\[\w+\] \[[^\]]*\] /, '')).join('\n');
}

/** Runs `envoy --mode validate` on `config` (written to a temporary `.json` or `.yaml` file). */
export async function validateWithEnvoy(
  envoy: string,
  config: string,
  format: 'json' | 'yaml' = 'json',
): Promise<EnvoyVerdict> {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-envoy-validate-'));
  try {
    const file = join(dir, `bootstrap.${format}`);
    await writeFile(file, config);
    const child = spawn(envoy, ['--mode', 'validate', '-c', file, '--log-level', 'warn', '--disable-hot-restart'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), VALIDATE_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (status) => resolve(status));
    }).finally(() => clearTimeout(timer));
    return {
      accepted: code === 0,
      message: code === 0 ? output.trim() : reasonOf(output) || `envoy exited ${code ?? 'by a signal'} without a word`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
