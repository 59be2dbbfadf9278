/**
 * The shape most policy tests with real Envoy share: one backend sidecar
 * whose inbounds are the services under test (several inbounds may serve one
 * service: each is an endpoint, with an app of its own), and client sidecars
 * calling them through outbound listeners. Each start resolves once Envoy is
 * LIVE with every listener, and a client once it has every endpoint of each
 * service it calls.
 *
 *   client sidecar ── outbound:127.0.0.1:<port> ──► backend sidecar inbound:127.0.0.1:<port> ──► app
 */
import { startSidecar, waitForEnvoy, type Sidecar, type SidecarInbound } from './envoy-sidecar.js';
import { freePort, type ControlPlaneProcess } from './proxyless.js';

export interface BackendSidecar {
  readonly sidecar: Sidecar;
  /** Per service, its endpoints (`127.0.0.1:<inbound port>`) on this sidecar, in inbound order. */
  readonly endpoints: Readonly<Record<string, readonly string[]>>;
  /** The endpoint of the `i`th inbound. */
  endpoint(i: number): string;
}

export async function startBackendSidecar(
  cp: ControlPlaneProcess,
  mesh: string,
  name: string,
  inbound: readonly SidecarInbound[],
): Promise<BackendSidecar> {
  const sidecar = await startSidecar(cp, { name, mesh, inbound });
  await waitForEnvoy(sidecar, { listeners: sidecar.inboundPorts.map((port) => `inbound:127.0.0.1:${port}`) });
  const endpoints: Record<string, string[]> = {};
  inbound.forEach((entry, i) => (endpoints[entry.service] ??= []).push(`127.0.0.1:${sidecar.inboundPorts[i]}`));
  return { sidecar, endpoints, endpoint: (i) => `127.0.0.1:${sidecar.inboundPorts[i]}` };
}

export interface ClientOptions {
  /** The services it calls, each with the backends serving it. */
  readonly calls: readonly string[];
  readonly backends: readonly BackendSidecar[];
  /** Tags of its own inbound (its service is `name` unless `service` says otherwise). */
  readonly tags?: Readonly<Record<string, string>>;
  readonly service?: string;
}

/** A sidecar calling `calls`; its own inbound serves nothing (a client needs one to have an identity). */
export async function startClientSidecar(
  cp: ControlPlaneProcess,
  mesh: string,
  name: string,
  options: ClientOptions,
): Promise<Sidecar> {
  const sidecar = await startSidecar(cp, {
    name,
    mesh,
    inbound: [
      {
        service: options.service ?? name,
        servicePort: await freePort(),
        ...(options.tags === undefined ? {} : { tags: options.tags }),
      },
    ],
    outbound: options.calls,
  });
  const endpoints: Record<string, string[]> = {};
  for (const service of options.calls)
    endpoints[service] = options.backends.flatMap((backend) => backend.endpoints[service] ?? []);
  await waitForEnvoy(sidecar, {
    listeners: Object.values(sidecar.outboundPorts).map((port) => `outbound:127.0.0.1:${port}`),
    endpoints,
  });
  return sidecar;
}

/** The client's outbound port for `service`. */
export function outboundPort(client: Sidecar, service: string): number {
  const port = client.outboundPorts[service];
  if (port === undefined) throw new Error(`${client.name} has no outbound for ${service}`);
  return port;
}
