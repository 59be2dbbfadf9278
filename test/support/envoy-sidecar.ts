/**
 * Real Envoy sidecars for end-to-end tests: `koguma dp run` (direct mode,
 * a Dataplane file written here) running the Envoy of test/support/envoy.ts
 * against a real control plane (startControlPlane: TLS on its DP server,
 * `dp run --ca-cert-file` trusting its CA), and waits on Envoy's admin API.
 *
 *   test ──► writes <scratch>/<name>.yaml ──► koguma dp run --dataplane-file ... --binary-path <envoy>
 *                                                └─ envoy (admin on 127.0.0.1, a free port)
 *   waitForEnvoy(sidecar, {listeners, endpoints}) ── GET /ready, /listeners, /clusters until they say so
 *
 * Every port is a free loopback port the OS picked. Processes are those of
 * proxyless-processes.ts (own process group, killed by `cleanUp`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { envoyPath } from './envoy.js';
import { freePort, scratchDir, startKoguma, waitFor, type KogumaProcess } from './proxyless-processes.js';
import type { ControlPlaneProcess } from './proxyless.js';

export interface SidecarInbound {
  readonly service: string;
  /** Where the app listens (127.0.0.1). */
  readonly servicePort: number;
  readonly protocol?: 'http' | 'http2' | 'grpc' | 'tcp';
  readonly tags?: Readonly<Record<string, string>>;
}

export interface SidecarOptions {
  readonly name: string;
  readonly mesh?: string;
  readonly inbound: readonly SidecarInbound[];
  /** Services this sidecar calls: each gets an outbound listener on 127.0.0.1 and a free port. */
  readonly outbound?: readonly string[];
  readonly xdsTransport?: 'delta' | 'sotw';
  /** More `koguma dp run` flags. */
  readonly extraArgs?: readonly string[];
}

export interface Sidecar {
  readonly name: string;
  readonly mesh: string;
  readonly proc: KogumaProcess;
  /** `http://127.0.0.1:<port>` of Envoy's admin API. */
  readonly adminUrl: string;
  /** Envoy's inbound listener port, per inbound (in order). */
  readonly inboundPorts: readonly number[];
  /** Envoy's outbound listener port, per called service. */
  readonly outboundPorts: Readonly<Record<string, number>>;
  readonly workdir: string;
}

/** `koguma dp run` for a Dataplane made of `options`; resolves once Envoy's admin API answers. */
export async function startSidecar(cp: ControlPlaneProcess, options: SidecarOptions): Promise<Sidecar> {
  const dir = await scratchDir();
  const mesh = options.mesh ?? 'default';
  const inboundPorts = await Promise.all(options.inbound.map(() => freePort()));
  const outboundPorts: Record<string, number> = {};
  for (const service of options.outbound ?? []) outboundPorts[service] = await freePort();
  const dataplane = {
    type: 'Dataplane',
    mesh,
    name: options.name,
    networking: {
      address: '127.0.0.1',
      inbound: options.inbound.map((inbound, i) => ({
        port: inboundPorts[i],
        servicePort: inbound.servicePort,
        tags: { 'kuma.io/service': inbound.service, 'kuma.io/protocol': inbound.protocol ?? 'http', ...inbound.tags },
      })),
      outbound: Object.entries(outboundPorts).map(([service, port]) => ({
        port,
        tags: { 'kuma.io/service': service },
      })),
    },
  };
  const dataplaneFile = join(dir, `${options.name}.yaml`);
  await writeFile(dataplaneFile, stringify(dataplane));
  const adminPort = await freePort();
  const workdir = join(dir, 'work');
  const proc = startKoguma(options.name, [
    'dp',
    'run',
    '--dataplane-file',
    dataplaneFile,
    '--cp-address',
    cp.xdsUrl,
    '--ca-cert-file',
    cp.caCertFile,
    '--binary-path',
    envoyPath(),
    '--admin-port',
    String(adminPort),
    '--workdir',
    workdir,
    '--drain-time',
    '0s',
    '--envoy-log-level',
    'warning',
    ...(options.xdsTransport === undefined ? [] : ['--xds-transport', options.xdsTransport]),
    ...(options.extraArgs ?? []),
    // One worker thread: the machine is small, and a test sends little.
    '--',
    '--concurrency',
    '1',
  ]);
  const sidecar: Sidecar = {
    name: options.name,
    mesh,
    proc,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    inboundPorts,
    outboundPorts,
    workdir,
  };
  await waitFor(
    () => `${options.name}'s Envoy admin API (stderr: ${proc.stderr()})`,
    async () => {
      if (!proc.isRunning()) throw new Error(`koguma dp run for ${options.name} exited: ${proc.stderr()}`);
      return (await adminGet(sidecar, '/ready')) !== undefined ? true : undefined;
    },
    30_000,
  );
  return sidecar;
}

/** GET `path` of the sidecar's Envoy admin API: the body, or undefined while it does not answer. */
export async function adminGet(sidecar: Sidecar, path: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(`${sidecar.adminUrl}${path}`, { signal: AbortSignal.timeout(2_000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

/** Envoy's pid, as the agent logged it at the last start. */
export function envoyPid(sidecar: Sidecar): number | undefined {
  const starts = [...sidecar.proc.stderr().matchAll(/envoy started \(pid (\d+)\)/g)];
  const last = starts.at(-1);
  return last === undefined ? undefined : Number(last[1]);
}

interface ClusterStatuses {
  cluster_statuses?: {
    name: string;
    host_statuses?: { address?: { socket_address?: { address: string; port_value: number } } }[];
  }[];
}

/** The endpoints (`ip:port`) Envoy has for `cluster`, from /clusters. */
export async function envoyEndpoints(sidecar: Sidecar, cluster: string): Promise<string[] | undefined> {
  const answer = await adminGet(sidecar, '/clusters?format=json');
  if (answer?.status !== 200) return undefined;
  const found = (JSON.parse(answer.body) as ClusterStatuses).cluster_statuses?.find((c) => c.name === cluster);
  return (found?.host_statuses ?? []).map(
    (h) => `${h.address?.socket_address?.address}:${h.address?.socket_address?.port_value}`,
  );
}

/** The names of Envoy's active listeners, from /listeners. */
export async function envoyListeners(sidecar: Sidecar): Promise<string[] | undefined> {
  const answer = await adminGet(sidecar, '/listeners?format=json');
  if (answer?.status !== 200) return undefined;
  return ((JSON.parse(answer.body) as { listener_statuses?: { name: string }[] }).listener_statuses ?? []).map(
    (l) => l.name,
  );
}

export interface EnvoyExpectations {
  /** Listener names that must be active. */
  readonly listeners?: readonly string[];
  /** Per cluster, the endpoints (`ip:port`) it must have, exactly. */
  readonly endpoints?: Readonly<Record<string, readonly string[]>>;
}

/** Waits until Envoy is LIVE with the listeners and endpoints expected; fails with what it has instead. */
export async function waitForEnvoy(sidecar: Sidecar, expected: EnvoyExpectations, timeoutMs = 30_000): Promise<void> {
  let seen = 'nothing yet';
  await waitFor(
    () =>
      `${sidecar.name}'s Envoy to be LIVE with ${JSON.stringify(expected)} (last seen: ${seen}; stderr: ${sidecar.proc.stderr()})`,
    async () => {
      if (!sidecar.proc.isRunning())
        throw new Error(`koguma dp run for ${sidecar.name} exited: ${sidecar.proc.stderr()}`);
      const ready = await adminGet(sidecar, '/ready');
      const listeners = (await envoyListeners(sidecar)) ?? [];
      const endpoints: Record<string, string[]> = {};
      for (const cluster of Object.keys(expected.endpoints ?? {}))
        endpoints[cluster] = ((await envoyEndpoints(sidecar, cluster)) ?? []).sort();
      seen = JSON.stringify({ ready: ready?.body.trim(), listeners, endpoints });
      if (ready?.body.trim() !== 'LIVE') return undefined;
      if (!(expected.listeners ?? []).every((name) => listeners.includes(name))) return undefined;
      const sameEndpoints = Object.entries(expected.endpoints ?? {}).every(
        ([cluster, want]) => JSON.stringify(endpoints[cluster]) === JSON.stringify([...want].sort()),
      );
      return sameEndpoints ? true : undefined;
    },
    timeoutMs,
  );
}

/** The bootstrap `koguma dp run` wrote for the sidecar (it keeps its --workdir). */
export const sidecarBootstrap = (sidecar: Sidecar): Promise<string> =>
  readFile(join(sidecar.workdir, 'bootstrap.yaml'), 'utf8');
