/**
 * A Dataplane as the engine needs it: defaults applied (servicePort = port,
 * protocol tcp, outbound address 127.0.0.1), the address other proxies reach
 * each inbound at, and the service each outbound names. Pure.
 */
import type { DataplaneSpec } from '../api/index.js';
import { PROTOCOL_TAG, PROTOCOLS, SERVICE_TAG } from '../api/index.js';
import type { InboundContext, OutboundContext, Protocol } from '../xds/generate/index.js';

export type InboundState = 'Ready' | 'NotReady' | 'Ignored';

export interface InboundModel extends InboundContext {
  readonly state: InboundState;
  /** The address other proxies send to: advertisedAddress, else the inbound's, else networking.address. */
  readonly reachableAddress: string;
}

export interface DataplaneModel {
  readonly mesh: string;
  readonly name: string;
  /** The Dataplane's labels: what policies select by `labels`. */
  readonly labels: Readonly<Record<string, string>>;
  readonly address: string;
  readonly inbounds: readonly InboundModel[];
  readonly outbounds: readonly OutboundContext[];
  /** Set for a gateway: a builtin one is configured by a MeshGateway, a delegated one fronts another proxy. */
  readonly gateway?: { readonly builtin: boolean; readonly tags: Readonly<Record<string, string>> };
}

/** The inbound's protocol field, else its kuma.io/protocol tag; one the engine has no config for (kafka) is tcp. */
const protocolOf = (protocol: string | undefined, tags: Readonly<Record<string, string>>): Protocol => {
  const value = protocol || tags[PROTOCOL_TAG];
  return value !== undefined && (PROTOCOLS as readonly string[]).includes(value) ? (value as Protocol) : 'tcp';
};

export function dataplaneModel(
  mesh: string,
  name: string,
  spec: DataplaneSpec,
  labels: Readonly<Record<string, string>> = {},
): DataplaneModel {
  const net = spec.networking;
  const inbounds = (net.inbound ?? []).map((ib): InboundModel => {
    const address = ib.address ?? net.address;
    const tags = ib.tags ?? {};
    return {
      ...(ib.name !== undefined ? { name: ib.name } : {}),
      address,
      port: ib.port,
      serviceAddress: ib.serviceAddress ?? '127.0.0.1',
      servicePort: ib.servicePort ?? ib.port,
      service: tags[SERVICE_TAG] ?? '',
      protocol: protocolOf(ib.protocol, tags),
      tags,
      state: ib.state ?? (ib.health?.ready === false ? 'NotReady' : 'Ready'),
      reachableAddress: net.advertisedAddress ?? address,
    };
  });
  const outbounds = (net.outbound ?? []).flatMap((ob): OutboundContext[] => {
    const service = ob.tags?.[SERVICE_TAG] ?? (ob.backendRef?.kind === 'MeshService' ? ob.backendRef.name : undefined);
    return service === undefined ? [] : [{ address: ob.address ?? '127.0.0.1', port: ob.port, service }];
  });
  const gateway =
    net.gateway === undefined ? {} : { gateway: { builtin: net.gateway.type === 'BUILTIN', tags: net.gateway.tags } };
  return { mesh, name, labels, address: net.address, inbounds, outbounds, ...gateway };
}
