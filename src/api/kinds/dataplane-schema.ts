/**
 * The Dataplane's schema: one proxy next to one workload (Universal mode),
 * with the inbounds it serves, the outbounds it consumes, the zone ingress and
 * egress listeners it runs, or a gateway role; and the tag names it uses.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  Duration,
  Ignored,
  Labels,
  Port,
  ReferenceName,
  Strict,
  StringEnum,
  Tags,
  TagsWith,
  Uint32,
} from '../primitives.js';

export const SERVICE_TAG = 'kuma.io/service';
export const PROTOCOL_TAG = 'kuma.io/protocol';
/** The zone a dataplane runs in; '' or absent when it has none. */
export const ZONE_TAG = 'kuma.io/zone';
/** The workload a Universal dataplane belongs to: a DNS-1035 label. */
export const WORKLOAD_LABEL = 'kuma.io/workload';
/** The protocols the engine builds distinct configuration for; the others are proxied as tcp. */
export const PROTOCOLS = ['tcp', 'http', 'http2', 'grpc'] as const;
/** The protocols Kuma accepts, in the order its errors list them. */
export const KUMA_PROTOCOLS = ['grpc', 'http', 'http2', 'kafka', 'tcp'] as const;

const Address = (description: string) => Type.String({ minLength: 1, description });

const Inbound = Strict({
  port: Port({ description: 'Port the proxy listens on for this inbound.' }),
  servicePort: Type.Optional(Port({ description: 'Port of the workload (defaults to port).' })),
  serviceAddress: Type.Optional(Address('Address of the workload (defaults to 127.0.0.1).')),
  address: Type.Optional(Address('Address the proxy listens on (defaults to networking.address).')),
  name: Type.Optional(Type.String({ minLength: 1, description: 'Section name, for targetRef.sectionName.' })),
  tags: Type.Optional(
    Tags({
      description:
        'Tags of this inbound; kuma.io/service is required when it has any. An inbound without tags is reached through the MeshServices that select it.',
    }),
  ),
  protocol: Type.Optional(
    Type.String({
      description: 'Protocol of the workload (tcp, http, http2, grpc, kafka); wins over kuma.io/protocol.',
    }),
  ),
  state: Type.Optional(StringEnum(['Ready', 'NotReady', 'Ignored'])),
  health: Type.Optional(Strict({ ready: Type.Optional(Type.Boolean()) })),
  serviceProbe: Type.Optional(
    Strict({
      interval: Type.Optional(Duration()),
      timeout: Type.Optional(Duration()),
      unhealthyThreshold: Type.Optional(Uint32({ minimum: 1 })),
      healthyThreshold: Type.Optional(Uint32({ minimum: 1 })),
      tcp: Type.Optional(Strict({})),
    }),
  ),
});

const DESTINATION_KINDS = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService'] as const;

const BackendRef = Strict({
  kind: StringEnum(DESTINATION_KINDS),
  name: Type.Optional(ReferenceName()),
  port: Type.Optional(Port({ description: 'Required unless kind is MeshExternalService.' })),
  labels: Type.Optional(Labels()),
});

const Outbound = Strict({
  port: Port({ description: 'Local port the application connects to.' }),
  address: Type.Optional(Address('Local address (defaults to 127.0.0.1).')),
  tags: Type.Optional(TagsWith([SERVICE_TAG])),
  backendRef: Type.Optional(BackendRef),
  [SERVICE_TAG]: Ignored('Not a field of an outbound: accepted and dropped, as Kuma drops it.'),
});

const Listener = Strict({
  type: Type.Optional(StringEnum(['Unspecified', 'ZoneIngress', 'ZoneEgress'])),
  address: Type.Optional(Type.String({ description: 'Address the listener binds to.' })),
  port: Type.Optional(Uint32({ description: 'Port the listener binds to.' })),
  name: Type.Optional(
    Type.String({ minLength: 1, description: 'Section name, unique across inbounds and listeners.' }),
  ),
  state: Type.Optional(StringEnum(['Ready', 'NotReady'])),
});

const ReachableBackendRef = Strict({
  kind: Type.String({ description: 'MeshService, MeshExternalService or MeshMultiZoneService.' }),
  name: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  port: Type.Optional(Port()),
  labels: Type.Optional(Labels()),
});

const ProbeEndpoint = Strict({
  inboundPort: Uint32({ description: 'Port of the inbound whose workload answers the probe.' }),
  inboundPath: Type.String({ description: 'Path the workload answers the probe on.' }),
  path: Type.String({ description: 'Path the proxy exposes the probe on.' }),
});

export const DataplaneSpec = Type.Object(
  {
    networking: Strict({
      address: Address('Address of the workload as other proxies reach it.'),
      advertisedAddress: Type.Optional(Address('Address announced to other proxies when it differs (NAT).')),
      inbound: Type.Optional(Type.Array(Inbound)),
      outbound: Type.Optional(Type.Array(Outbound)),
      listeners: Type.Optional(Type.Array(Listener, { description: 'Zone ingress and egress listeners.' })),
      gateway: Type.Optional(
        Strict({ type: Type.Optional(StringEnum(['DELEGATED', 'BUILTIN'])), tags: TagsWith([SERVICE_TAG]) }),
      ),
      transparentProxying: Type.Optional(
        Strict({
          redirectPortInbound: Type.Optional(Port()),
          redirectPortOutbound: Type.Optional(Port()),
          directAccessServices: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
          reachableServices: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
          reachableBackends: Type.Optional(
            Strict(
              { refs: Type.Optional(Type.Array(ReachableBackendRef)) },
              { description: 'The destinations this proxy reaches; all of the mesh when absent.' },
            ),
          ),
          ipFamilyMode: Type.Optional(StringEnum(['UnSpecified', 'DualStack', 'IPv4', 'IPv6'])),
        }),
      ),
      admin: Type.Optional(Strict({ port: Port() })),
    }),
    metrics: Type.Optional(
      Strict({ type: StringEnum(['prometheus']), conf: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
    ),
    probes: Type.Optional(
      Strict({
        port: Type.Optional(Uint32({ description: 'Port the proxy serves the probes on.' })),
        endpoints: Type.Optional(Type.Array(ProbeEndpoint)),
      }),
    ),
  },
  { additionalProperties: false },
);

export type DataplaneSpec = Static<typeof DataplaneSpec>;
