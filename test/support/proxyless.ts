/**
 * The pieces of the proxyless example as the end-to-end tests run them:
 * a control plane, backends and a client, each under the real CLI, plus the
 * REST calls the tests check them with. Processes: proxyless-processes.ts.
 *
 * The apps and Dataplane templates are those of examples/proxyless/, so the
 * tests prove the documentation works.
 */
import { join } from 'node:path';
import { EXAMPLES, startKoguma, waitFor, type KogumaProcess } from './proxyless-processes.js';

export { cleanUp, freePort, scratchDir, waitFor, type KogumaProcess } from './proxyless-processes.js';

export interface ControlPlaneProcess {
  readonly proc: KogumaProcess;
  readonly apiUrl: string;
  readonly xdsUrl: string;
}

export interface ControlPlaneOptions {
  readonly store?: 'memory' | 'pglite';
  readonly dataDir?: string;
  /** 0 (the default) picks free ports; a restart on the same ports needs them fixed. */
  readonly apiPort?: number;
  readonly xdsPort?: number;
  readonly instanceId?: string;
  readonly removalDelay?: string;
}

/** The first value of `key` in the control plane's JSON log lines. */
function logged(proc: KogumaProcess, key: string): string | undefined {
  for (const line of proc.lines) {
    if (!line.startsWith('{')) continue;
    const value = (JSON.parse(line) as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** `koguma cp run`, resolved once its REST API and DP server listen. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlaneProcess> {
  const args = ['cp', 'run', '--store', options.store ?? 'memory', '--api-port', String(options.apiPort ?? 0), '--xds-port', String(options.xdsPort ?? 0)];
  if (options.dataDir !== undefined) args.push('--data-dir', options.dataDir);
  if (options.instanceId !== undefined) args.push('--instance-id', options.instanceId);
  args.push('--dataplane-removal-delay', options.removalDelay ?? '2s');
  const proc = startKoguma(`cp ${options.instanceId ?? ''}`.trim(), args);
  const urls = await waitFor(
    () => `the control plane to listen (stderr: ${proc.stderr()})`,
    () => {
      if (!proc.isRunning()) throw new Error(`the control plane exited: ${proc.stderr()}`);
      const apiUrl = logged(proc, 'apiUrl');
      const xdsUrl = logged(proc, 'xdsUrl');
      return apiUrl !== undefined && xdsUrl !== undefined ? { apiUrl, xdsUrl } : undefined;
    },
    30_000,
  );
  return { proc, ...urls };
}

/** `koguma dp run --proxyless` for one example app; `vars` fill its Dataplane template. */
function startProxyless(cp: ControlPlaneProcess, app: 'backend' | 'client', vars: Record<string, string>, appArgs: readonly string[]): KogumaProcess {
  return startKoguma(vars['name'] ?? app, [
    'dp', 'run', '--proxyless',
    '--dataplane-file', join(EXAMPLES, `${app}.yaml`),
    ...Object.entries(vars).flatMap(([key, value]) => ['--dataplane-var', `${key}=${value}`]),
    '--cp-address', cp.xdsUrl,
    '--drain-time', '0s',
    '--', process.execPath, join(EXAMPLES, `${app}.mjs`), ...appArgs,
  ]);
}

/** A backend on 127.0.0.1:`port`, resolved once its XdsServer got its listener and serves. */
export async function startBackend(cp: ControlPlaneProcess, name: string, port: number): Promise<KogumaProcess> {
  const proc = startProxyless(cp, 'backend', { name, port: String(port) }, [name, `127.0.0.1:${port}`]);
  await waitFor(() => `${name} to serve (output: ${proc.lines.join('\n')}; stderr: ${proc.stderr()})`, () => {
    if (!proc.isRunning()) throw new Error(`${name} exited: ${proc.stderr()}`);
    return proc.lines.some((line) => line.startsWith(`${name} serving on`)) ? true : undefined;
  });
  return proc;
}

/** One call of the client: when it was answered, and by whom or with which status. */
export interface Outcome {
  readonly at: number;
  readonly server?: string;
  readonly error?: string;
  readonly details?: string;
}

export interface ClientProcess {
  readonly proc: KogumaProcess;
  /** The outcomes so far, in the order they were answered. */
  outcomes(): Outcome[];
}

/** The example client calling xds:///backend `rate` times a second, one JSON line per call. */
export function startClient(cp: ControlPlaneProcess, name: string, rate: number): ClientProcess {
  const proc = startProxyless(cp, 'client', { name }, ['xds:///backend', '--json', '--rate', String(rate)]);
  return {
    proc,
    outcomes: () => proc.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Outcome),
  };
}

/** `outcome.server`, or "failed (STATUS)". */
export const answerOf = (outcome: Outcome): string => outcome.server ?? `failed (${outcome.error ?? '?'})`;

/** How many of `outcomes` each backend answered (and how many failed, per status). */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[answerOf(outcome)] = (counts[answerOf(outcome)] ?? 0) + 1;
  return counts;
}

/** A REST call; the JSON body (undefined when there is none). */
export async function api(cp: ControlPlaneProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${cp.apiUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** The first xDS subscription of a dataplane's overview, and whether it is connected (undefined when the API cannot answer). */
export async function subscriptionOf(cp: ControlPlaneProcess, name: string): Promise<{ connected: boolean; subscription: any } | undefined> {
  try {
    const { status, body } = await api(cp, 'GET', `/meshes/default/dataplanes/${name}/_overview`);
    if (status !== 200) return undefined;
    return { connected: body.dataplaneInsight.connected === true, subscription: body.dataplaneInsight.subscriptions[0] };
  } catch {
    return undefined;
  }
}
