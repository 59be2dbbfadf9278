/**
 * Harness of the policy end-to-end tests: the configurable backend and client
 * of test/support/policy-apps/ under `koguma dp run --proxyless`, policies
 * applied with `koguma apply -f` as a user would, and a wait for a proxy to
 * have accepted the configuration a policy change produced.
 *
 *   koguma apply -f mesh.yaml ──── a mesh without default policies
 *   koguma dp run --proxyless ──┬─ node backend.mjs <name> <ip:port> [--fail-every N] [--delay-ms D]
 *                               └─ node client.mjs xds:///<service> [--rate R] [--burst B] ...
 *   koguma apply -f policy.yaml ── wait until the client ACKed the new config ─► look at its calls
 *
 * Processes, ports and clean-up are those of proxyless-processes.ts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO, scratchDir, startKoguma, waitFor, type KogumaProcess } from './proxyless-processes.js';
import { api, type ControlPlaneProcess } from './proxyless.js';

const APPS = join(REPO, 'test/support/policy-apps');

/** `koguma apply -f <file>` of `yaml` against the control plane; fails unless it exits 0. Resolves with its output. */
export async function kogumaApply(cp: ControlPlaneProcess, yaml: string): Promise<string> {
  const file = join(await scratchDir(), 'apply.yaml');
  await writeFile(file, yaml);
  const proc = startKoguma('apply', ['--api-url', cp.apiUrl, 'apply', '-f', file]);
  const timer = setTimeout(() => void proc.stop('SIGKILL'), 120_000);
  const code = await proc.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`koguma apply exited ${code}: ${proc.stderr()}\n${yaml}`);
  return proc.lines.join('\n');
}

/**
 * A mesh with none of the default policies (timeout, circuit breaker, retry)
 * a new mesh gets: the default MeshRetry would retry the very failures some
 * tests need to see before their own policy hides them.
 */
export async function applyBareMesh(cp: ControlPlaneProcess, mesh: string): Promise<void> {
  await kogumaApply(cp, `type: Mesh\nname: ${mesh}\nskipCreatingInitialPolicies: ["*"]\n`);
}

export interface BackendOptions {
  readonly mesh: string;
  /** Its kuma.io/service. */
  readonly service: string;
  /** The replica's (and Dataplane's) name; what it answers with. */
  readonly name: string;
  /** Its `version` tag. */
  readonly version: string;
  readonly port: number;
  /** Fail every Nth call with UNAVAILABLE. */
  readonly failEvery?: number;
  /** Hold every answer this long. */
  readonly delayMs?: number;
}

const varArgs = (vars: Record<string, string | number>): string[] =>
  Object.entries(vars).flatMap(([key, value]) => ['--dataplane-var', `${key}=${value}`]);

function startPolicyApp(
  cp: ControlPlaneProcess,
  label: string,
  app: 'backend' | 'client',
  vars: Record<string, string | number>,
  appArgs: readonly string[],
): KogumaProcess {
  return startKoguma(label, [
    'dp',
    'run',
    '--proxyless',
    '--dataplane-file',
    join(APPS, `${app}.yaml`),
    ...varArgs(vars),
    '--cp-address',
    cp.xdsUrl,
    '--ca-cert-file',
    cp.caCertFile,
    '--drain-time',
    '0s',
    '--',
    process.execPath,
    join(APPS, `${app}.mjs`),
    ...appArgs,
  ]);
}

/** A backend replica, resolved once its XdsServer serves. */
export async function startPolicyBackend(cp: ControlPlaneProcess, options: BackendOptions): Promise<KogumaProcess> {
  const { mesh, service, name, version, port } = options;
  const proc = startPolicyApp(cp, name, 'backend', { mesh, service, name, version, port }, [
    name,
    `127.0.0.1:${port}`,
    ...(options.failEvery === undefined ? [] : ['--fail-every', String(options.failEvery)]),
    ...(options.delayMs === undefined ? [] : ['--delay-ms', String(options.delayMs)]),
  ]);
  await waitFor(
    () => `${name} to serve (output: ${proc.lines.join('\n')}; stderr: ${proc.stderr()})`,
    () => {
      if (!proc.isRunning()) throw new Error(`${name} exited: ${proc.stderr()}`);
      return proc.lines.some((line) => line.startsWith(`${name} serving on`)) ? true : undefined;
    },
    120_000,
  );
  return proc;
}

export interface ClientOptions {
  readonly mesh: string;
  /** The service it calls (xds:///<service>). */
  readonly service: string;
  readonly name: string;
  /** Its own kuma.io/service, what policies select it by (default: its name). */
  readonly self?: string;
  /** Call starts per second (default 20), `burst` calls each (default 1). */
  readonly rate?: number;
  readonly burst?: number;
  /** Stop starting calls after this many (default: never). */
  readonly count?: number;
  /** Metadata on every call. */
  readonly headers?: Record<string, string>;
  /** Call i carries `keyHeader: key-<i mod keys>`. */
  readonly keyHeader?: string;
  readonly keys?: number;
  /** The client's own deadline per call (default 5000 ms). */
  readonly deadlineMs?: number;
}

/** One call: when it ended, how long it took, and who answered or with which status. */
export interface CallOutcome {
  readonly seq: number;
  readonly at: number;
  readonly ms: number;
  readonly key?: string;
  readonly server?: string;
  readonly error?: string;
  readonly details?: string;
}

export interface PolicyClient {
  readonly proc: KogumaProcess;
  readonly name: string;
  /** The outcomes so far, in the order they ended. */
  outcomes(): CallOutcome[];
  /** The outcomes of calls started at or after `from` (a Date.now() value). */
  startedSince(from: number): CallOutcome[];
}

/** A client replica calling xds:///<service>; its inbound port is picked by the caller. */
export function startPolicyClient(cp: ControlPlaneProcess, port: number, options: ClientOptions): PolicyClient {
  const { mesh, service, name } = options;
  const args = [`xds:///${service}`, '--rate', String(options.rate ?? 20), '--burst', String(options.burst ?? 1)];
  if (options.count !== undefined) args.push('--count', String(options.count));
  for (const [header, value] of Object.entries(options.headers ?? {})) args.push('--header', `${header}=${value}`);
  if (options.keyHeader !== undefined)
    args.push('--key-header', options.keyHeader, '--keys', String(options.keys ?? 1));
  if (options.deadlineMs !== undefined) args.push('--deadline-ms', String(options.deadlineMs));
  const proc = startPolicyApp(
    cp,
    name,
    'client',
    { mesh, service, name, self: options.self ?? name, port, outboundPort: port + 1 },
    args,
  );
  const outcomes = () =>
    proc.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as CallOutcome);
  return { proc, name, outcomes, startedSince: (from) => outcomes().filter((o) => o.at - o.ms >= from) };
}

/**
 * The first `n` outcomes of calls `client` started at or after `from` (a
 * Date.now() value; 0 for all), in call order, once it has them.
 */
export async function callsStartedSince(
  client: PolicyClient,
  from: number,
  n: number,
  timeoutMs = 60_000,
): Promise<CallOutcome[]> {
  return waitFor(
    () => `${n} calls of ${client.name} (${client.startedSince(from).length} so far; stderr: ${client.proc.stderr()})`,
    () => {
      const calls = client.startedSince(from).sort((a, b) => a.seq - b.seq);
      return calls.length >= n ? calls.slice(0, n) : undefined;
    },
    timeoutMs,
  );
}

/** The proxy's current xDS versions per type as served by the control plane, and whether it ACKed all of them. */
async function configState(
  cp: ControlPlaneProcess,
  mesh: string,
  name: string,
): Promise<{ versions: Record<string, string>; acked: boolean; nack?: string } | undefined> {
  const config = await api(cp, 'GET', `/meshes/${mesh}/dataplanes/${name}/_config?format=koguma`);
  const overview = await api(cp, 'GET', `/meshes/${mesh}/dataplanes/${name}/_overview`);
  if (config.status !== 200 || overview.status !== 200 || config.body.built !== true) return undefined;
  const status = overview.body.dataplaneInsight.subscriptions[0]?.status ?? {};
  const versions: Record<string, string> = {};
  let acked = true;
  let nack: string | undefined;
  for (const [type, served] of Object.entries(
    config.body.xds as Record<string, { version: string; resources: unknown[] }>,
  )) {
    if (served.resources.length === 0) continue;
    versions[type] = served.version;
    const state = status[type.toLowerCase()];
    if (state?.ackedVersion !== served.version) acked = false;
    if (state?.lastNack !== undefined && state.lastNack.version === served.version) nack = state.lastNack.error;
  }
  return { versions, acked, ...(nack === undefined ? {} : { nack }) };
}

/** The proxy's current config versions (to compare after a change). */
export async function configVersions(
  cp: ControlPlaneProcess,
  mesh: string,
  name: string,
): Promise<Record<string, string>> {
  return (await waitFor(`${name}'s configuration to be built`, () => configState(cp, mesh, name), 60_000)).versions;
}

/**
 * Waits until the proxy `name` was served a configuration other than
 * `before` (configVersions) and ACKed every type of it; fails at once on a
 * NACK. Then a short pause: grpc-js applies a route or cluster change as it
 * ACKs it, but calls already picked go on with the old one.
 */
export async function waitForNewConfigAcked(
  cp: ControlPlaneProcess,
  mesh: string,
  name: string,
  before: Record<string, string>,
  timeoutMs = 60_000,
): Promise<void> {
  let last: unknown;
  await waitFor(
    () => `${name} to ACK a configuration newer than ${JSON.stringify(before)} (last: ${JSON.stringify(last)})`,
    async () => {
      const state = await configState(cp, mesh, name);
      last = state;
      if (state?.nack !== undefined) throw new Error(`${name} rejected its new configuration: ${state.nack}`);
      if (state === undefined || !state.acked) return undefined;
      return Object.entries(state.versions).some(([type, version]) => before[type] !== version) ? true : undefined;
    },
    timeoutMs,
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/** A policy document for `koguma apply`: `spec` is YAML indented by 2. */
export const policyYaml = (mesh: string, kind: string, name: string, spec: string): string =>
  `type: ${kind}\nmesh: ${mesh}\nname: ${name}\nspec:\n${spec}`;

/**
 * Applies `yaml` while `clients` run; resolves, with the time, once each
 * ACKed the configuration it produced: calls started after that see it.
 */
export async function applyWhileRunning(
  cp: ControlPlaneProcess,
  mesh: string,
  clients: readonly PolicyClient[],
  yaml: string,
): Promise<number> {
  const before = await Promise.all(clients.map((c) => configVersions(cp, mesh, c.name)));
  await kogumaApply(cp, yaml);
  await Promise.all(clients.map((c, i) => waitForNewConfigAcked(cp, mesh, c.name, before[i]!)));
  return Date.now();
}

/** How many outcomes each backend answered, and how many failed, per status. */
export function tallyOf(outcomes: readonly CallOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.server ?? `failed (${o.error ?? '?'})`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
