/**
 * The pieces of the proxyless example as the end-to-end tests run them:
 * a control plane, backends and a client, each under the real CLI, plus the
 * REST calls the tests check them with. Processes: proxyless-processes.ts.
 *
 * The apps and Dataplane templates are those of examples/proxyless/, so the
 * tests prove the documentation works.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXAMPLES, scratchDir, startKoguma, waitFor, type KogumaProcess } from './proxyless-processes.js';

export { cleanUp, freePort, scratchDir, waitFor, type KogumaProcess } from './proxyless-processes.js';

export interface ControlPlaneProcess {
  readonly proc: KogumaProcess;
  readonly apiUrl: string;
  /** https:// (the DP server's TLS is on, as by default). */
  readonly xdsUrl: string;
  /** The CA of its generated certificate, logged beside xdsUrl: what `dp run --ca-cert-file` trusts. */
  readonly caCertFile: string;
}

export interface ControlPlaneOptions {
  readonly store?: 'memory' | 'pglite' | 'postgres';
  /** With `store: 'postgres'`. */
  readonly postgresUrl?: string;
  /** More `koguma cp run` flags. */
  readonly extraArgs?: readonly string[];
  readonly dataDir?: string;
  /** 0 (the default) picks free ports; a restart on the same ports needs them fixed. */
  readonly apiPort?: number;
  readonly xdsPort?: number;
  readonly instanceId?: string;
  readonly removalDelay?: string;
}

/** The first value of `key` in a process's JSON log lines. */
export function logged(proc: KogumaProcess, key: string): string | undefined {
  for (const line of proc.lines) {
    if (!line.startsWith('{')) continue;
    const value = (JSON.parse(line) as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** `koguma cp run`, resolved once its REST API and DP server listen. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlaneProcess> {
  const args = [
    'cp',
    'run',
    '--store',
    options.store ?? 'memory',
    '--api-port',
    String(options.apiPort ?? 0),
    '--xds-port',
    String(options.xdsPort ?? 0),
  ];
  // The control plane keeps its API credentials in the data dir, whatever the store.
  args.push('--data-dir', options.dataDir ?? (await scratchDir()));
  // The example apps' xDS clients cannot present a dataplane token (dp run's relay will carry it).
  args.push('--dp-auth', 'none');
  if (options.instanceId !== undefined) args.push('--instance-id', options.instanceId);
  args.push('--dataplane-removal-delay', options.removalDelay ?? '2s');
  if (options.postgresUrl !== undefined) args.push('--postgres-url', options.postgresUrl);
  args.push(...(options.extraArgs ?? []));
  const proc = startKoguma(`cp ${options.instanceId ?? ''}`.trim(), args);
  const urls = await waitFor(
    () => `the control plane to listen (stderr: ${proc.stderr()})`,
    () => {
      if (!proc.isRunning()) throw new Error(`the control plane exited: ${proc.stderr()}`);
      const apiUrl = logged(proc, 'apiUrl');
      const xdsUrl = logged(proc, 'xdsUrl');
      const caCertFile = logged(proc, 'caCertFile');
      return apiUrl !== undefined && xdsUrl !== undefined && caCertFile !== undefined
        ? { apiUrl, xdsUrl, caCertFile }
        : undefined;
    },
    120_000,
  );
  return { proc, ...urls };
}

/** `koguma dp run --proxyless` for one example app; `vars` fill its Dataplane template (examples/proxyless/<app>.yaml unless `dataplaneFile`). */
function startProxyless(
  cp: ControlPlaneProcess,
  app: 'backend' | 'client',
  vars: Record<string, string>,
  appArgs: readonly string[],
  dataplaneFile = join(EXAMPLES, `${app}.yaml`),
): KogumaProcess {
  return startKoguma(vars['name'] ?? app, [
    'dp',
    'run',
    '--proxyless',
    '--dataplane-file',
    dataplaneFile,
    ...Object.entries(vars).flatMap(([key, value]) => ['--dataplane-var', `${key}=${value}`]),
    '--cp-address',
    cp.xdsUrl,
    '--ca-cert-file',
    cp.caCertFile,
    '--drain-time',
    '0s',
    '--',
    process.execPath,
    join(EXAMPLES, `${app}.mjs`),
    ...appArgs,
  ]);
}

/** A backend on 127.0.0.1:`port`, resolved once its XdsServer got its listener and serves. */
export async function startBackend(cp: ControlPlaneProcess, name: string, port: number): Promise<KogumaProcess> {
  const proc = startProxyless(cp, 'backend', { name, port: String(port) }, [name, `127.0.0.1:${port}`]);
  await waitFor(
    () => `${name} to serve (output: ${proc.lines.join('\n')}; stderr: ${proc.stderr()})`,
    () => {
      if (!proc.isRunning()) throw new Error(`${name} exited: ${proc.stderr()}`);
      return proc.lines.some((line) => line.startsWith(`${name} serving on`)) ? true : undefined;
    },
  );
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

/**
 * The example client calling xds:///backend `rate` times a second, one JSON
 * line per call. `dataplaneFile` replaces the example's Dataplane (e.g. one
 * with another `kuma.io/service`: clientDataplaneFile).
 */
export function startClient(
  cp: ControlPlaneProcess,
  name: string,
  rate: number,
  dataplaneFile?: string,
): ClientProcess {
  const proc = startProxyless(
    cp,
    'client',
    { name },
    ['xds:///backend', '--json', '--rate', String(rate)],
    dataplaneFile,
  );
  return {
    proc,
    outcomes: () => proc.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Outcome),
  };
}

/** A copy of the example client's Dataplane template whose inbound names service `service` instead of `client`. */
export async function clientDataplaneFile(service: string): Promise<string> {
  const template = await readFile(join(EXAMPLES, 'client.yaml'), 'utf8');
  if (!template.includes('kuma.io/service: client'))
    throw new Error('examples/proxyless/client.yaml no longer names its service "client"');
  const path = join(await scratchDir(), `client-${service}.yaml`);
  await writeFile(path, template.replace('kuma.io/service: client', `kuma.io/service: ${service}`));
  return path;
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
export async function api(
  cp: ControlPlaneProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${cp.apiUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** The newest xDS subscription of a dataplane's overview, and whether it is connected (undefined when the API cannot answer). */
export async function subscriptionOf(
  cp: ControlPlaneProcess,
  name: string,
): Promise<{ connected: boolean; subscription: any } | undefined> {
  try {
    const { status, body } = await api(cp, 'GET', `/meshes/default/dataplanes/${name}/_overview`);
    if (status !== 200) return undefined;
    return {
      connected: body.dataplaneInsight.connected === true,
      subscription: body.dataplaneInsight.subscriptions.at(-1),
    };
  } catch {
    return undefined;
  }
}
