/**
 * Child processes the bench measures: the real control plane
 * (`koguma cp run --store memory`) and the floor server (floor-server.ts),
 * with what Linux says about them: resident memory (/proc/<pid>/status
 * VmRSS) and CPU time (/proc/<pid>/stat utime + stime, in clock ticks).
 * Every wait is bounded; `stop` ends the process it started, by its pid.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { nowMs, sleep } from './clock.js';

/** Linux's USER_HZ: /proc reports CPU time in 1/100 s. */
const ticksPerSecond = 100;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** CPU time (user + system) the process has used, in ms, at 10 ms resolution. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** TcpExt ListenOverflows: connections the kernel dropped because an accept queue was full (machine-wide). */
export function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('TcpExt:'));
  const names = lines[0]?.split(' ') ?? [];
  const counts = lines[1]?.split(' ') ?? [];
  return Number(counts[names.indexOf('ListenOverflows')] ?? Number.NaN);
}

function cpuTimes(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** The share of the machine's CPU time (all cores) that was busy over the next `ms`, 0..1. */
export async function machineBusy(ms: number): Promise<number> {
  const before = cpuTimes();
  await sleep(ms);
  const after = cpuTimes();
  return (after.busy - before.busy) / Math.max(1, after.total - before.total);
}

/**
 * Waits (at most `timeoutMs`) until other work on the machine uses less than
 * `threshold` of its CPU, so a scenario does not start in the middle of
 * someone else's test run. Resolves with the last busy share seen.
 */
export async function waitForQuietMachine(threshold: number, timeoutMs: number): Promise<number> {
  const deadline = nowMs() + timeoutMs;
  for (;;) {
    const busy = await machineBusy(2_000);
    if (busy < threshold || nowMs() > deadline) return busy;
  }
}

/** The 1-minute load average, to note how busy the machine was. */
export const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** The last few KB of its stderr, for error messages. */
  stderrTail(): string;
  stop(): Promise<void>;
}

/** Children still running: killed if the bench itself exits early (error, deadline, Ctrl-C). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function track(child: ChildProcess): Child {
  live.add(child);
  child.once('exit', () => live.delete(child));
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    process: child,
    stderrTail: () => tail,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // A graceful exit writes the CPU profile; past 20 s it is cut.
      if (await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)])) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface ControlPlane extends Child {
  readonly apiUrl: string;
  readonly xdsUrl: string;
  /** Monotonic ms when it was spawned: about time 0 of its CPU profile. */
  readonly startedAt: number;
}

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface ControlPlaneOptions {
  /** Write a V8 CPU profile of the control plane into this directory. */
  readonly cpuProfileDir?: string;
  readonly debounce?: string;
  /** Serve the DP server over TLS (the product's default) with a certificate generated in this data directory. */
  readonly tlsDataDir?: string;
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const apiPort = await freePort();
  const xdsPort = await freePort();
  const nodeFlags = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const args = [
    ...nodeFlags,
    cli,
    'cp',
    'run',
    '--store',
    'memory',
    '--api-port',
    String(apiPort),
    '--xds-port',
    String(xdsPort),
    '--log-level',
    'warn',
  ];
  // The simulated proxies present no dataplane tokens.
  args.push('--dp-auth', 'none');
  // Plaintext DP server unless asked: the floor server is plaintext, and so were the earlier figures (see xds-convergence.ts).
  // A data dir of its own either way: the control plane writes its API credentials (and TLS files) there.
  if (options.tlsDataDir === undefined)
    args.push('--xds-tls', 'false', '--data-dir', mkdtempSync(join(tmpdir(), 'koguma-bench-cp-')));
  else args.push('--data-dir', options.tlsDataDir);
  if (options.debounce) args.push('--xds-debounce', options.debounce);
  const startedAt = nowMs();
  const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  for (let waited = 0; ; waited += 100) {
    if (child.process.exitCode !== null) throw new Error(`the control plane exited: ${child.stderrTail()}`);
    try {
      if ((await fetch(`${apiUrl}/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (waited > 30_000) {
      await child.stop();
      throw new Error(`the control plane did not answer within 30 s: ${child.stderrTail()}`);
    }
    await sleep(100);
  }
  return {
    ...child,
    apiUrl,
    xdsUrl: `${options.tlsDataDir === undefined ? 'http' : 'https'}://127.0.0.1:${xdsPort}`,
    startedAt,
  };
}

export interface FloorServer extends Child {
  readonly url: string;
  /** Pushes one encoded response to the streams of these nodes (all when undefined); resolves once queued. */
  push(response: Uint8Array, nodeIds?: readonly string[]): Promise<number>;
}

export type FloorTransport = 'connect' | 'raw';

export async function startFloorServer(protocol: 'sotw' | 'delta', transport: FloorTransport): Promise<FloorServer> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./floor-server.js', import.meta.url));
  const child = track(
    fork(script, [String(port), protocol, transport], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }),
  );
  let nextId = 0;
  const waiting = new Map<number, (reply: number) => void>();
  let listening: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  child.process.on('message', (message: { id?: number; pushed?: number; listening?: boolean }) => {
    if (message.listening) listening();
    if (message.id !== undefined) waiting.get(message.id)?.(message.pushed ?? 0);
  });
  if (!(await Promise.race([ready.then(() => true), sleep(15_000).then(() => false)]))) {
    await child.stop();
    throw new Error(`the floor server did not start: ${child.stderrTail()}`);
  }
  return {
    ...child,
    url: `http://127.0.0.1:${port}`,
    push: (response, nodeIds) =>
      new Promise<number>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        child.process.send({ id, response: Buffer.from(response).toString('base64'), nodeIds: nodeIds ?? null });
      }),
  };
}
