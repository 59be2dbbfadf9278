/**
 * What insights need to know of one Dataplane and its insight, reduced to a
 * few facts, and the proxy's status from them as Kuma decides it:
 *   gateway:  online when connected, else offline;
 *   others:   offline when not connected or no inbound (or listener) is ready,
 *             partially degraded when some are not ready, else online.
 * An inbound is not ready when its `health.ready` is false or its state is
 * NotReady; an Ignored inbound counts towards the total but has no service.
 */
import { isOnline, type DataplaneInsightSpec } from './dataplane-insight.js';

export type ProxyType = 'standard' | 'gatewayBuiltin' | 'gatewayDelegated';
export type ProxyStatus = 'online' | 'offline' | 'partiallyDegraded';
export type ServiceType = 'internal' | 'gateway_delegated' | 'gateway_builtin';

export interface DataplaneFacts {
  readonly type: ProxyType;
  readonly status: ProxyStatus;
  /** `kuma.io/service` of every inbound (not Ignored) or of the gateway, each once. */
  readonly services: readonly string[];
  readonly kumaDpVersion: string;
  readonly envoyVersion: string;
  /** Present when the proxy has a certificate (possibly '' when its backend is not known). */
  readonly issuedBackend?: string;
  readonly supportedBackends: readonly string[];
}

interface Inbound {
  readonly state?: string;
  readonly health?: { readonly ready?: boolean };
  readonly tags?: Readonly<Record<string, string>>;
}

interface DataplaneNetworking {
  readonly gateway?: { readonly type?: string; readonly tags?: Readonly<Record<string, string>> };
  readonly inbound?: readonly Inbound[];
  readonly listeners?: readonly { readonly state?: string }[];
}

const SERVICE = 'kuma.io/service';

export const serviceTypeOf = (type: ProxyType): ServiceType =>
  type === 'gatewayBuiltin' ? 'gateway_builtin' : type === 'gatewayDelegated' ? 'gateway_delegated' : 'internal';

function statusOf(net: DataplaneNetworking, online: boolean): ProxyStatus {
  if (net.gateway) return online ? 'online' : 'offline';
  const inbounds = net.inbound ?? [];
  const listeners = net.listeners ?? [];
  const ready =
    inbounds.filter((i) => i.health?.ready !== false && i.state !== 'NotReady').length +
    listeners.filter((l) => l.state === 'Ready').length;
  if (!online || ready === 0) return 'offline';
  return ready < inbounds.length + listeners.length ? 'partiallyDegraded' : 'online';
}

const versionOf = (value: unknown): string => (typeof value === 'string' && value !== '' ? value : 'unknown');

export function dataplaneFacts(spec: unknown, insight: DataplaneInsightSpec | undefined): DataplaneFacts {
  const net = ((spec as { networking?: DataplaneNetworking } | undefined)?.networking ?? {}) as DataplaneNetworking;
  const type: ProxyType = net.gateway
    ? net.gateway.type === 'BUILTIN'
      ? 'gatewayBuiltin'
      : 'gatewayDelegated'
    : 'standard';
  const services = new Set<string>();
  const gatewayService = net.gateway?.tags?.[SERVICE];
  if (gatewayService) services.add(gatewayService);
  for (const inbound of net.inbound ?? []) {
    const service = inbound.tags?.[SERVICE];
    if (inbound.state !== 'Ignored' && service) services.add(service);
  }
  const last = insight?.subscriptions?.at(-1)?.version as
    { kumaDp?: { version?: unknown }; envoy?: { version?: unknown } } | undefined;
  const mtls = insight?.mTLS;
  return {
    type,
    status: statusOf(net, isOnline(insight)),
    services: [...services],
    kumaDpVersion: versionOf(last?.kumaDp?.version),
    envoyVersion: versionOf(last?.envoy?.version),
    ...(mtls !== undefined ? { issuedBackend: mtls.issuedBackend ?? '' } : {}),
    supportedBackends: mtls ? [...(mtls.supportedBackends ?? [])] : [],
  };
}
