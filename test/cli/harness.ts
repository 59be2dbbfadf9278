/**
 * End-to-end harness for the `koguma` CLI: the built CLI runs as a real child
 * process against a real control plane, started in this process or as a
 * `koguma cp run` child. Every child has a timeout and is killed by `killAll`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { resolveConfig, startControlPlane, type RunningControlPlane } from '../../src/cp/index.js';

/** The compiled CLI, as the package `bin` runs it. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Generous: a busy machine slows a call; the bound only costs time when something hangs. */
const CLI_TIMEOUT_MS = 120_000;
const children = new Set<ChildProcess>();
const dataDirs = new Set<string>();

/**
 * A data dir of its own for a control plane (it keeps its API credentials
 * there whatever the store), removed by `killAll`.
 */
export function testDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'koguma-cli-cp-'));
  dataDirs.add(dir);
  return dir;
}

/** No CLI configuration file: a developer's ~/.koguma/config.yaml must not steer the tests. */
const NO_CLI_CONFIG = join(tmpdir(), `koguma-cli-test-${process.pid}-absent`, 'config.yaml');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `koguma <args>` to completion; never rejects, the exit code is part of the result. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      {
        timeout: CLI_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        env: options.env ?? withoutKogumaEnv(),
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        children.delete(child);
        const failure = error as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
        const code = failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null;
        resolve({ code, signal: failure?.signal ?? null, stdout, stderr });
      },
    );
    children.add(child);
    child.stdin?.end(options.input ?? '');
  });
}

/** The test process's environment minus KOGUMA_* settings, so a developer's shell cannot steer the tests. */
export function withoutKogumaEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('KOGUMA_')) env[key] = value;
  return { KOGUMA_CONFIG: NO_CLI_CONFIG, ...env, ...extra };
}

/** A control plane in this process: memory store, a free port, no logs. */
export function startTestControlPlane(): Promise<RunningControlPlane> {
  return startControlPlane(resolveConfig({ store: 'memory', apiPort: '0', xdsPort: '0', dataDir: testDataDir() }, {}), {
    logger: pino({ level: 'silent' }),
  });
}

/** A `koguma cp run` child process and what it has printed so far. */
export interface CpProcess {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/**
 * Starts `koguma cp run <args> --api-port 0` and waits for the log line that
 * carries the URL it listens on. Rejects if the process exits first or the
 * line does not come within the timeout.
 */
export function spawnControlPlane(args: readonly string[], timeoutMs = 120_000): Promise<CpProcess> {
  const dataDir = args.includes('--data-dir') ? [] : ['--data-dir', testDataDir()];
  const child = spawn(process.execPath, [CLI, 'cp', 'run', '--api-port', '0', '--xds-port', '0', ...dataDir, ...args], {
    env: withoutKogumaEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cp run printed no API URL within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /"apiUrl":"([^"]+)"/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({ child, apiUrl: match[1], output: () => output, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`cp run exited (${code}) before listening:\n${output}`));
    });
  });
}

/** Resolves with the exit of `exited`, or rejects after `ms`. */
export async function exitWithin(exited: Promise<number | string>, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`process did not exit within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills every child process still running; for `after()`. */
export function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  dataDirs.clear();
}

/** GET on the REST API directly, to check what the CLI did without trusting the CLI. */
export async function apiGet(apiUrl: string, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(apiUrl + path, { signal: AbortSignal.timeout(60_000) });
  return { status: response.status, body: (await response.json()) as unknown };
}
