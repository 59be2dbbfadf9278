/**
 * `koguma cp run` on the embedded store (PGlite) in a data dir of the bench's
 * choosing, until its REST API answers: what the start-up and hostile-input
 * benches measure against. Everything on 127.0.0.1, every wait bounded.
 */
import { spawn } from 'node:child_process';
import { nowMs, sleep } from './clock.js';
import { freePort } from './processes.js';

export interface EmbeddedControlPlane {
  readonly pid: number;
  readonly apiUrl: string;
  /** Ms from the spawn to the first 200 from GET /. */
  readonly answeredMs: number;
  /** Whether the process has exited (crashed, for a bench that did not stop it). */
  exited(): boolean;
  /** The last few KB of its stderr, for error messages. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after 30 s. */
  stop(): Promise<void>;
}

export interface EmbeddedControlPlaneOptions {
  /** dist/src/cli/main.js of the build to run. */
  readonly cli: string;
  readonly dataDir: string;
  readonly logLevel?: string;
  readonly startTimeoutMs?: number;
}

export async function startEmbeddedControlPlane(options: EmbeddedControlPlaneOptions): Promise<EmbeddedControlPlane> {
  const apiPort = await freePort();
  const xdsPort = await freePort();
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const started = nowMs();
  const args = [
    'cp',
    'run',
    '--data-dir',
    options.dataDir,
    '--api-port',
    String(apiPort),
    '--xds-port',
    String(xdsPort),
  ];
  const child = spawn(process.execPath, [options.cli, ...args, '--log-level', options.logLevel ?? 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (hasExited()) return;
    child.kill('SIGTERM');
    if (!(await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]))) child.kill('SIGKILL');
    await exited;
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  for (;;) {
    if (hasExited()) throw new Error(`the control plane exited: ${stderr}`);
    try {
      if ((await fetch(`${apiUrl}/`, { signal: AbortSignal.timeout(5_000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (nowMs() - started > startTimeoutMs) {
      await stop();
      throw new Error(`the control plane did not answer within ${startTimeoutMs} ms: ${stderr}`);
    }
    await sleep(10);
  }
  return { pid: child.pid!, apiUrl, answeredMs: nowMs() - started, exited: hasExited, stderrTail: () => stderr, stop };
}
