/**
 * Dataplane: one proxy next to one workload (Universal mode), with the
 * inbounds it serves, the outbounds it consumes, or a gateway role.
 */
import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind } from '../kind.js';
import { Duration, Labels, Port, ReferenceName, Strict, StringEnum, TagsWith, Uint32 } from '../primitives.js';

export const SERVICE_TAG = 'kuma.io/service';
export const PROTOCOL_TAG = 'kuma.io/protocol';
/** The zone a dataplane runs in; '' or absent when it has none. */
export const ZONE_TAG = 'kuma.io/zone';
export const PROTOCOLS = ['tcp', 'http', 'http2', 'grpc'] as const;

const Address = (description: string) => Type.String({ minLength: 1, description });

const Inbound = Strict({
  port: Port({ description: 'Port the proxy listens on for this inbound.' }),
  servicePort: Type.Optional(Port({ description: 'Port of the workload (defaults to port).' })),
  serviceAddress: Type.Optional(Address('Address of the workload (defaults to 127.0.0.1).')),
  address: Type.Optional(Address('Address the proxy listens on (defaults to networking.address).')),
  name: Type.Optional(Type.String({ minLength: 1, description: 'Section name, for targetRef.sectionName.' })),
  tags: TagsWith([SERVICE_TAG], { description: 'Tags of this inbound; kuma.io/service is required.' }),
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

const BackendRef = Strict({
  kind: StringEnum(['MeshService', 'MeshExternalService', 'MeshMultiZoneService']),
  name: Type.Optional(ReferenceName()),
  port: Type.Optional(Port()),
  labels: Type.Optional(Labels()),
});

const Outbound = Strict({
  port: Port({ description: 'Local port the application connects to.' }),
  address: Type.Optional(Address('Local address (defaults to 127.0.0.1).')),
  tags: Type.Optional(TagsWith([SERVICE_TAG])),
  backendRef: Type.Optional(BackendRef),
});

export const DataplaneSpec = Type.Object(
  {
    networking: Strict({
      address: Address('Address of the workload as other proxies reach it.'),
      advertisedAddress: Type.Optional(Address('Address announced to other proxies when it differs (NAT).')),
      inbound: Type.Optional(Type.Array(Inbound)),
      outbound: Type.Optional(Type.Array(Outbound)),
      gateway: Type.Optional(
        Strict({ type: Type.Optional(StringEnum(['DELEGATED', 'BUILTIN'])), tags: TagsWith([SERVICE_TAG]) }),
      ),
      transparentProxying: Type.Optional(
        Strict({
          redirectPortInbound: Type.Optional(Port()),
          redirectPortOutbound: Type.Optional(Port()),
          reachableServices: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
          ipFamilyMode: Type.Optional(StringEnum(['DualStack', 'IPv4', 'IPv6'])),
        }),
      ),
      admin: Type.Optional(Strict({ port: Port() })),
    }),
    metrics: Type.Optional(
      Strict({ type: StringEnum(['prometheus']), conf: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
    ),
  },
  { additionalProperties: false },
);

export type DataplaneSpec = Static<typeof DataplaneSpec>;

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const isAddress = (value: string): boolean => isIP(value) !== 0 || HOSTNAME.test(value);

function checkDataplane(spec: DataplaneSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const net = spec.networking;
  const address = (field: string, value: string | undefined) => {
    if (value !== undefined && !isAddress(value))
      issues.push({ field, reason: 'must be an IP address or a host name' });
  };
  address('networking.address', net.address);
  address('networking.advertisedAddress', net.advertisedAddress);

  const inbound = net.inbound ?? [];
  if (net.gateway && inbound.length > 0)
    issues.push({ field: 'networking.inbound', reason: 'must be empty on a gateway dataplane' });
  if (!net.gateway && inbound.length === 0)
    issues.push({
      field: 'networking.inbound',
      reason: 'must have at least one inbound, unless networking.gateway is set',
    });

  const listening = new Map<string, number>();
  const sectionNames = new Map<string, number>();
  inbound.forEach((ib, i) => {
    const at = `networking.inbound[${i}]`;
    address(`${at}.address`, ib.address);
    address(`${at}.serviceAddress`, ib.serviceAddress);
    const protocol = ib.tags[PROTOCOL_TAG];
    if (protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(protocol))
      issues.push({ field: `${at}.tags["${PROTOCOL_TAG}"]`, reason: `must be one of: ${PROTOCOLS.join(', ')}` });
    const socket = `${ib.address ?? net.address}:${ib.port}`;
    const other = listening.get(socket);
    if (other !== undefined)
      issues.push({ field: `${at}.port`, reason: `${socket} is already used by networking.inbound[${other}]` });
    else listening.set(socket, i);
    if (ib.name !== undefined) {
      const same = sectionNames.get(ib.name);
      if (same !== undefined)
        issues.push({ field: `${at}.name`, reason: `"${ib.name}" is already used by networking.inbound[${same}]` });
      else sectionNames.set(ib.name, i);
    }
  });

  const outbound = new Map<string, number>();
  (net.outbound ?? []).forEach((ob, i) => {
    const at = `networking.outbound[${i}]`;
    address(`${at}.address`, ob.address);
    if ((ob.tags === undefined) === (ob.backendRef === undefined))
      issues.push({ field: at, reason: 'must have exactly one of tags or backendRef' });
    if (ob.backendRef && ob.backendRef.name === undefined && ob.backendRef.labels === undefined)
      issues.push({ field: `${at}.backendRef`, reason: 'must have a name or labels' });
    const socket = `${ob.address ?? '127.0.0.1'}:${ob.port}`;
    const other = outbound.get(socket);
    if (other !== undefined)
      issues.push({ field: `${at}.port`, reason: `${socket} is already used by networking.outbound[${other}]` });
    else outbound.set(socket, i);
  });
  return issues;
}

/** Every inbound and gateway tag as `key=value`, for `?tag=key:value` lists. */
function dataplaneTags(spec: DataplaneSpec): string[] {
  const pairs = new Set<string>();
  const add = (tags: Readonly<Record<string, string>>) => {
    for (const [key, value] of Object.entries(tags)) pairs.add(`${key}=${value}`);
  };
  for (const ib of spec.networking.inbound ?? []) add(ib.tags);
  if (spec.networking.gateway) add(spec.networking.gateway.tags);
  return [...pairs].sort();
}

export const DataplaneKind = defineKind({
  name: 'Dataplane',
  plural: 'dataplanes',
  shortName: 'dp',
  singularDisplayName: 'Dataplane',
  pluralDisplayName: 'Dataplanes',
  scope: 'Mesh',
  // Each zone keeps its own; the global control plane sees them through insights.
  includeInFederation: false,
  shape: 'flat',
  spec: DataplaneSpec,
  check: checkDataplane,
  indexTags: dataplaneTags,
});
