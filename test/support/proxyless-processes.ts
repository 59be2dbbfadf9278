/**
 * Harness of the proxyless end-to-end tests: the built `koguma` CLI and the
 * example apps of examples/proxyless/ as real processes on 127.0.0.1.
 *
 *   koguma cp run ──────────────── control plane (ports from its log, or fixed)
 *   koguma dp run --proxyless ──┬─ node backend.mjs <name> 127.0.0.1:<port>
 *                               └─ node client.mjs --json   (one JSON line per call)
 *
 * Each `koguma` process leads its own process group (the agent keeps its app
 * in its group), so `cleanUp` kills agent and app together, even when the
 * agent was stopped first. Every wait is bounded; every process is killed
 * after MAX_LIFETIME_MS whatever happens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository (this file runs from dist/test/support/). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(REPO, 'dist/src/cli/main.js');
export const EXAMPLES = join(REPO, 'examples/proxyless');

const MAX_LIFETIME_MS = 600_000;
const STDERR_TAIL = 16_000;

const running = new Set<KogumaProcess>();
const scratchDirs = new Set<string>();

/**
 * This process's environment minus KOGUMA_* and GRPC_* settings (a stray
 * GRPC_XDS_BOOTSTRAP would win over ours). The agent (`dp run`) logs text:
 * the tests read its sentences; the control plane logs JSON, whose fields
 * they read (`logged`).
 */
function cleanEnv(command: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(KOGUMA|GRPC)_/.test(key)) env[key] = value;
  return command === 'dp' ? { ...env, KOGUMA_LOG_FORMAT: 'text' } : env;
}

export interface KogumaProcess {
  readonly label: string;
  readonly child: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: readonly string[];
  /** The last part of stderr, for failure messages. */
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number) once the process is gone. */
  readonly exited: Promise<number>;
  isRunning(): boolean;
  /** Sends `signal` to the process (not its group); SIGKILLs the group if it has not exited within `withinMs`. Resolves with the exit status. */
  stop(signal?: NodeJS.Signals, withinMs?: number): Promise<number>;
}

const signalNumbers: Partial<Record<string, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the whole group is gone already
  }
}

/** Runs `koguma <args>` from the repository, in a process group of its own. */
export function startKoguma(label: string, args: readonly string[]): KogumaProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO,
    env: cleanEnv(args[0]),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL)));
  const lifetime = setTimeout(() => killGroup(child, 'SIGKILL'), MAX_LIFETIME_MS);
  lifetime.unref();
  const exited = new Promise<number>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(lifetime);
      resolve(code ?? 128 + (signalNumbers[signal ?? ''] ?? 0));
    }),
  );
  const proc: KogumaProcess = {
    label,
    child,
    lines,
    stderr: () => stderr,
    exited,
    isRunning: () => child.exitCode === null && child.signalCode === null,
    async stop(signal = 'SIGTERM', withinMs = 60_000) {
      if (proc.isRunning()) child.kill(signal);
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), withinMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/**
 * Polls `check` (sync or async) every 50 ms until it returns a value other
 * than undefined; fails after `timeoutMs` naming `what` (a function is asked
 * only then, so it can quote the output of the moment).
 */
export async function waitFor<T>(
  what: string | (() => string),
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A loopback port nothing listens on right now. */
/** Whether 127.0.0.1:`port` can be bound now. */
function bindable(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first port of the kernel's ephemeral range, where outgoing connections take their local ports. */
function ephemeralStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

/**
 * Ports this process has handed out: a port is only bound some time after it
 * is picked, so two picks in flight at once (two meshes started together)
 * could otherwise both find the same one free.
 */
const handedOut = new Set<number>();

/**
 * A port that is free now, for a process the test starts later. Picked at
 * random below the ephemeral range: a port the kernel handed out (listen on 0)
 * can be taken, between this call and the later bind, as the local port of
 * any outgoing connection on the machine, which made Envoy refuse a listener
 * now and then while other test files ran.
 */
export async function freePort(): Promise<number> {
  const top = ephemeralStart() - 1;
  const bottom = Math.min(20_000, top - 1_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = bottom + Math.floor(Math.random() * (top - bottom + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await bindable(port)) return port;
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-proxyless-'));
  scratchDirs.add(dir);
  return dir;
}

/** For `after()`: SIGKILLs every process group still running and removes scratch directories. */
export async function cleanUp(): Promise<void> {
  const left = [...running];
  for (const proc of left) killGroup(proc.child, 'SIGKILL');
  await Promise.all(left.map((proc) => proc.exited));
  for (const dir of scratchDirs) await rm(dir, { recursive: true, force: true });
  scratchDirs.clear();
}

// A test process that dies without running after() still takes its children along.
process.once('exit', () => {
  for (const proc of running) killGroup(proc.child, 'SIGKILL');
});
