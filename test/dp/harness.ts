/**
 * Harness of the `koguma dp run` tests: the built CLI as a real child process,
 * the stand-ins it runs (fixtures/), a fake control plane answering
 * `POST /bootstrap` by the contract of KUMA-COMPAT.md, and scratch
 * directories. Every process is bounded by a timeout and killed by `cleanUp`,
 * the stand-ins too (by the pids they recorded), even if the agent was killed first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
export const FAKE_ENVOY = fileURLToPath(new URL('./fixtures/fake-envoy.js', import.meta.url));
export const GRPC_APP = fileURLToPath(new URL('./fixtures/grpc-app.js', import.meta.url));

const PROCESS_TIMEOUT_MS = 600_000;
const children = new Set<ChildProcess>();
const recordFiles = new Set<string>();
const scratchDirs = new Set<string>();
const servers = new Set<Server>();

/** The test's environment minus KOGUMA_* settings, plus `extra`; the agent logs text, the sentences these tests read. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('KOGUMA_')) env[key] = value;
  return { ...env, KOGUMA_LOG_FORMAT: 'text', ...extra };
}

export interface DpProcess {
  readonly child: ChildProcess;
  stderr(): string;
  stdout(): string;
  /** The exit status (code, or 128 + signal number as a shell reports it). */
  readonly exited: Promise<number>;
}

/** Starts `koguma <args>` (stdin a pipe the test may write and close, or none); killed after PROCESS_TIMEOUT_MS whatever happens. */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
  stdin: 'ignore' | 'pipe' = 'ignore',
): DpProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: [stdin, 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 0));
    });
  });
  return { child, stderr: () => stderr, stdout: () => stdout, exited };
}

/** Runs `koguma <args>` to its end. */
export async function runCli(
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ status: number; stdout: string; stderr: string }> {
  const run = startCli(args, env);
  const status = await run.exited;
  return { status, stdout: run.stdout(), stderr: run.stderr() };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The exit status, or a failure after `ms`. */
export async function exitWithin(run: DpProcess, ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`process did not exit within ${ms} ms:\n${run.stderr()}`)), ms);
  });
  try {
    return await Promise.race([run.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-dp-test-'));
  scratchDirs.add(dir);
  return dir;
}

/** An executable that runs the fake Envoy (a compiled .js loses the executable bit; a launcher does not). */
export async function fakeEnvoyBinary(dir: string): Promise<string> {
  const path = join(dir, 'envoy');
  await writeFile(path, `#!/bin/sh\nexec "${process.execPath}" "${FAKE_ENVOY}" "$@"\n`);
  await chmod(path, 0o755);
  return path;
}

export interface EnvoyRecord {
  readonly event: 'start' | 'crash' | 'signal' | 'exit';
  readonly pid: number;
  readonly at: number;
  readonly argv?: string[];
  readonly bootstrap?: string | null;
  readonly signal?: string;
  readonly code?: number;
}

/** The events the fake Envoy appended to `file` so far. */
export function envoyRecords(file: string): EnvoyRecord[] {
  recordFiles.add(file);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as EnvoyRecord);
}

export interface AppOutput {
  readonly pid: number;
  readonly argv: string[];
  readonly signal: string | null;
  readonly env: Record<
    'GRPC_XDS_BOOTSTRAP_CONFIG' | 'GRPC_XDS_EXPERIMENTAL_RBAC' | 'GRPC_XDS_BOOTSTRAP',
    string | null
  >;
}

const appFiles = new Set<string>();

/** What the fake gRPC application wrote to `file`, once it has. */
export function appOutput(file: string): AppOutput | undefined {
  appFiles.add(file);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as AppOutput) : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface BootstrapCall {
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

export type BootstrapReply = { status: number; contentType?: string; body: string };

export interface FakeControlPlane {
  readonly url: string;
  readonly port: number;
  readonly calls: BootstrapCall[];
  close(): Promise<void>;
}

/** The JSON answer of the contract: `{bootstrap: base64(yaml)}`. */
export const bootstrapAnswer = (yaml: string): BootstrapReply => ({
  status: 200,
  contentType: 'application/json',
  body: JSON.stringify({ bootstrap: Buffer.from(yaml, 'utf8').toString('base64') }),
});

/** A `/std-errors` answer. */
export const stdError = (
  status: number,
  title: string,
  detail: string,
  invalid: { field: string; reason: string }[] = [],
): BootstrapReply => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify({
    type: '/std-errors',
    status,
    title,
    detail,
    ...(invalid.length > 0 ? { invalid_parameters: invalid } : {}),
  }),
});

/** `POST /bootstrap` answered by `reply` (called with the number of the call, from 0); `port` 0 picks one. */
export function fakeControlPlane(
  reply: (call: number, body: Record<string, unknown>) => BootstrapReply,
  port = 0,
): Promise<FakeControlPlane> {
  const calls: BootstrapCall[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/bootstrap') {
        response.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      calls.push({ headers: request.headers, body });
      const answer = reply(calls.length - 1, body);
      response.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/yaml' }).end(answer.body);
    });
  });
  servers.add(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${bound}`,
        port: bound,
        calls,
        close: () =>
          new Promise<void>((done) => {
            servers.delete(server);
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A loopback port nothing listens on (right now), outside the ephemeral range. */
export { freePort } from '../support/proxyless-processes.js';

/** For `after()`: kills every process still running, stand-ins included, closes servers, removes scratch dirs. */
export async function cleanUp(): Promise<void> {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const file of recordFiles)
    for (const { pid } of envoyRecords(file)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const file of appFiles) {
    const pid = appOutput(file)?.pid;
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  for (const dir of scratchDirs) await rm(dir, { recursive: true, force: true });
}
