/**
 * Mesh services for the real-Envoy tests, one instance at a time: a small app
 * (envoy-apps.ts) behind its own sidecar (envoy-sidecar.ts), and callers
 * whose sidecars have an outbound per service they call.
 *
 *   startInstance(cp, {name: 'web-v1', service: 'web', tags: {version: 'v1'}})
 *       app "web-v1" ◄── Envoy inbound 127.0.0.1:<port>  (endpoint of service "web")
 *   startCaller(cp, {name: 'client', calls: ['web']})
 *       test ──► Envoy outbound 127.0.0.1:<port> ──► cluster "web"
 *   awaitEndpoints(client, {web: [v1, v2]})  ── until client's Envoy has exactly those
 *
 * The app answers with its name (HTTP `x-app`, TCP `<name>:`), so a test
 * can say which instance served each request.
 */
import { startHttpApp, startTcpApp, type TestApp } from './envoy-apps.js';
import { startSidecar, waitForEnvoy, type Sidecar, type SidecarOptions } from './envoy-sidecar.js';
import { freePort, type ControlPlaneProcess } from './proxyless.js';

export interface InstanceOptions {
  /** The Dataplane's and the app's name. */
  readonly name: string;
  readonly service: string;
  readonly mesh?: string;
  readonly protocol?: 'http' | 'tcp';
  readonly tags?: Readonly<Record<string, string>>;
  readonly xdsTransport?: 'delta' | 'sotw';
  readonly extraArgs?: readonly string[];
}

export interface ServiceInstance {
  readonly name: string;
  readonly sidecar: Sidecar;
  readonly app: TestApp;
  /** `127.0.0.1:<port>` of its Envoy's inbound: the endpoint callers get. */
  readonly endpoint: string;
  /** Its Envoy's inbound port, where a caller without a sidecar would connect. */
  readonly inboundPort: number;
}

/** An app and its sidecar, resolved once the sidecar's Envoy is LIVE with its inbound listener. */
export async function startInstance(cp: ControlPlaneProcess, options: InstanceOptions): Promise<ServiceInstance> {
  const protocol = options.protocol ?? 'http';
  const app = protocol === 'tcp' ? await startTcpApp(options.name) : await startHttpApp(options.name);
  const sidecar = await startSidecar(cp, {
    name: options.name,
    ...(options.mesh === undefined ? {} : { mesh: options.mesh }),
    inbound: [
      {
        service: options.service,
        servicePort: app.port,
        protocol,
        ...(options.tags === undefined ? {} : { tags: options.tags }),
      },
    ],
    ...(options.xdsTransport === undefined ? {} : { xdsTransport: options.xdsTransport }),
    ...(options.extraArgs === undefined ? {} : { extraArgs: options.extraArgs }),
  });
  const inboundPort = sidecar.inboundPorts[0]!;
  await waitForEnvoy(sidecar, { listeners: [`inbound:127.0.0.1:${inboundPort}`] });
  return { name: options.name, sidecar, app, endpoint: `127.0.0.1:${inboundPort}`, inboundPort };
}

export interface CallerOptions {
  readonly name: string;
  /** Its own kuma.io/service (what permissions and route targetRefs name); default: its name. */
  readonly service?: string;
  readonly mesh?: string;
  /** The services it calls: each gets an outbound. */
  readonly calls: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly extraArgs?: readonly string[];
}

/** A sidecar whose inbound nobody serves (it only calls), with an outbound per called service. */
export async function startCaller(cp: ControlPlaneProcess, options: CallerOptions): Promise<Sidecar> {
  const sidecar: SidecarOptions = {
    name: options.name,
    ...(options.mesh === undefined ? {} : { mesh: options.mesh }),
    inbound: [
      {
        service: options.service ?? options.name,
        servicePort: await freePort(),
        ...(options.tags === undefined ? {} : { tags: options.tags }),
      },
    ],
    outbound: options.calls,
    ...(options.extraArgs === undefined ? {} : { extraArgs: options.extraArgs }),
  };
  return startSidecar(cp, sidecar);
}

/** Waits until the caller's Envoy has its outbound listeners and, per service, exactly the given instances as endpoints. */
export async function awaitEndpoints(
  caller: Sidecar,
  byService: Readonly<Record<string, readonly ServiceInstance[]>>,
  timeoutMs = 30_000,
): Promise<void> {
  const endpoints: Record<string, string[]> = {};
  for (const [service, instances] of Object.entries(byService))
    endpoints[service] = instances.map((instance) => instance.endpoint);
  await waitForEnvoy(
    caller,
    { listeners: Object.values(caller.outboundPorts).map((port) => `outbound:127.0.0.1:${port}`), endpoints },
    timeoutMs,
  );
}

/** The caller's outbound port for `service`; fails when it has none. */
export function outboundPort(caller: Sidecar, service: string): number {
  const port = caller.outboundPorts[service];
  if (port === undefined) throw new Error(`${caller.name} has no outbound to ${service}`);
  return port;
}
