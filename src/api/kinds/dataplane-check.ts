/**
 * What Kuma checks of a Dataplane beyond its schema, with Kuma's field paths
 * and wording (a script may match on them): addresses, the tags an inbound
 * must carry when it has any, protocols, outbound forms, reachable backends,
 * listeners, probes, and the `kuma.io/workload` label.
 */
import { isIP } from 'node:net';
import type { InvalidParameter } from '../errors.js';
import type { Labels } from '../resource.js';
import { KUMA_PROTOCOLS, PROTOCOL_TAG, SERVICE_TAG, WORKLOAD_LABEL, type DataplaneSpec } from './dataplane-schema.js';
import { dns1035LabelProblems } from './dns-label.js';

const DESTINATION_KINDS = 'MeshExternalService,MeshMultiZoneService,MeshService';
const ALLOWED_PROTOCOLS = `Allowed values: ${KUMA_PROTOCOLS.join(', ')}`;

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const isAddress = (value: string): boolean => isIP(value) !== 0 || HOSTNAME.test(value);
const isProtocol = (value: string): boolean => (KUMA_PROTOCOLS as readonly string[]).includes(value);
const key = (name: string): string => `[${JSON.stringify(name)}]`;

type Networking = DataplaneSpec['networking'];
type Issues = InvalidParameter[];

function checkAddress(issues: Issues, field: string, value: string | undefined): void {
  if (value !== undefined && !isAddress(value)) issues.push({ field, reason: 'must be an IP address or a host name' });
}

function checkInbounds(net: Networking, issues: Issues): void {
  const listening = new Map<string, number>();
  const sectionNames = new Map<string, number>();
  (net.inbound ?? []).forEach((ib, i) => {
    const at = `networking.inbound[${i}]`;
    checkAddress(issues, `${at}.address`, ib.address);
    checkAddress(issues, `${at}.serviceAddress`, ib.serviceAddress);
    const tags = ib.tags ?? {};
    const protocolTag = tags[PROTOCOL_TAG];
    if (protocolTag !== undefined && !isProtocol(protocolTag))
      issues.push({
        field: `${at}.tags${key(PROTOCOL_TAG)}`,
        reason: `tag "${PROTOCOL_TAG}" has an invalid value "${protocolTag}". ${ALLOWED_PROTOCOLS}`,
      });
    if (ib.protocol !== undefined && ib.protocol !== '' && !isProtocol(ib.protocol))
      issues.push({ field: `${at}.protocol`, reason: `has an invalid value "${ib.protocol}". ${ALLOWED_PROTOCOLS}` });
    // An inbound with no tags is identified by the MeshServices selecting it; one with tags needs its service.
    if (Object.keys(tags).length > 0 && tags[SERVICE_TAG] === undefined)
      issues.push({ field: `${at}.tags${key(SERVICE_TAG)}`, reason: 'tag has to exist' });
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
}

function checkOutbounds(net: Networking, issues: Issues): void {
  const taken = new Map<string, number>();
  (net.outbound ?? []).forEach((ob, i) => {
    const at = `networking.outbound[${i}]`;
    checkAddress(issues, `${at}.address`, ob.address);
    const ref = ob.backendRef;
    if (ref) {
      if (ref.name === undefined && ref.labels === undefined)
        issues.push({ field: `${at}.backendRef`, reason: "either 'name' or 'labels' should be specified" });
      // A MeshExternalService's port comes from its endpoints.
      if (ref.kind !== 'MeshExternalService' && ref.port === undefined)
        issues.push({ field: `${at}.backendRef.port`, reason: 'port must be in the range [1, 65535]' });
      if (ob.tags !== undefined)
        issues.push({ field: `${at}.backendRef`, reason: 'both backendRef and tags/service cannot be defined' });
    } else if (ob.tags === undefined) {
      issues.push({ field: `${at}.tags`, reason: `mandatory tag "${SERVICE_TAG}" is missing` });
    }
    const socket = `${ob.address ?? '127.0.0.1'}:${ob.port}`;
    const other = taken.get(socket);
    if (other !== undefined)
      issues.push({ field: `${at}.port`, reason: `${socket} is already used by networking.outbound[${other}]` });
    else taken.set(socket, i);
  });
}

function checkReachableBackends(net: Networking, issues: Issues): void {
  (net.transparentProxying?.reachableBackends?.refs ?? []).forEach((ref, i) => {
    const at = `networking.transparentProxying.reachableBackends.refs[${i}]`;
    if (!DESTINATION_KINDS.split(',').includes(ref.kind))
      issues.push({ field: `${at}.kind`, reason: `invalid value. Available values are: ${DESTINATION_KINDS}` });
    const named = (ref.name ?? '') !== '';
    const namespaced = (ref.namespace ?? '') !== '';
    const labelled = Object.keys(ref.labels ?? {}).length > 0;
    if (!named && !namespaced && !labelled) issues.push({ field: `${at}.name`, reason: 'name or labels are required' });
    if (!named && namespaced)
      issues.push({ field: `${at}.name`, reason: 'name is required, when namespace is defined' });
    if ((named || namespaced) && labelled)
      issues.push({ field: `${at}.labels`, reason: 'labels cannot be defined when name is specified' });
  });
}

function checkListeners(net: Networking, issues: Issues): void {
  const names = new Set((net.inbound ?? []).map((ib) => ib.name ?? String(ib.port)));
  const inboundSockets = new Set((net.inbound ?? []).map((ib) => `${ib.address ?? net.address}:${ib.port}`));
  const typeAt = new Map<string, string>();
  (net.listeners ?? []).forEach((listener, i) => {
    const at = `networking.listeners[${i}]`;
    const type = listener.type ?? 'Unspecified';
    if (type === 'Unspecified') issues.push({ field: `${at}.type`, reason: 'type must be ZoneIngress or ZoneEgress' });
    const address = listener.address ?? '';
    if (address === '') issues.push({ field: `${at}.address`, reason: "address can't be empty" });
    else checkAddress(issues, `${at}.address`, address);
    const port = listener.port ?? 0;
    if (port < 1 || port > 65535) issues.push({ field: `${at}.port`, reason: 'port must be in the range [1, 65535]' });
    if (listener.name !== undefined) {
      if (names.has(listener.name))
        issues.push({
          field: `${at}.name`,
          reason: `name "${listener.name}" must be unique across inbounds and listeners`,
        });
      names.add(listener.name);
    }
    const socket = `${address}:${port}`;
    const seen = typeAt.get(socket);
    if (seen === undefined) typeAt.set(socket, type);
    else
      issues.push({
        field: at,
        reason:
          seen === type
            ? `address:port ${socket} is already used by another listener`
            : `address:port ${socket} is used by listeners of different types`,
      });
    if (inboundSockets.has(socket))
      issues.push({ field: at, reason: `address:port ${socket} collides with an inbound listener` });
  });
}

function checkProbes(spec: DataplaneSpec, issues: Issues): void {
  const probes = spec.probes;
  if (!probes) return;
  const port = probes.port ?? 0;
  if (port < 1 || port > 65535) issues.push({ field: 'probes.port', reason: 'port must be in the range [1, 65535]' });
  (probes.endpoints ?? []).forEach((endpoint, i) => {
    const at = `probes.endpoints[${i}]`;
    if (endpoint.inboundPort < 1 || endpoint.inboundPort > 65535)
      issues.push({ field: `${at}.inboundPort`, reason: 'port must be in the range [1, 65535]' });
    if (!endpoint.inboundPath.startsWith('/'))
      issues.push({ field: `${at}.inboundPath`, reason: 'should be a valid URL Path' });
    if (!endpoint.path.startsWith('/')) issues.push({ field: `${at}.path`, reason: 'should be a valid URL Path' });
  });
}

export function checkDataplane(spec: DataplaneSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const net = spec.networking;
  checkAddress(issues, 'networking.address', net.address);
  checkAddress(issues, 'networking.advertisedAddress', net.advertisedAddress);

  const inbound = net.inbound ?? [];
  if (net.gateway && inbound.length > 0)
    issues.push({ field: 'networking.inbound', reason: 'must be empty on a gateway dataplane' });
  if (net.gateway && (net.listeners ?? []).length > 0)
    issues.push({
      field: 'networking.listeners',
      reason: `listeners cannot be defined for ${net.gateway.type === 'BUILTIN' ? 'builtin' : 'delegated'} gateways`,
    });
  if (!net.gateway && inbound.length === 0 && (net.listeners ?? []).length === 0)
    issues.push({
      field: 'networking.inbound',
      reason: 'must have at least one inbound, unless networking.gateway or networking.listeners is set',
    });

  checkInbounds(net, issues);
  checkOutbounds(net, issues);
  checkReachableBackends(net, issues);
  checkListeners(net, issues);
  checkProbes(spec, issues);
  return issues;
}

/** Kuma refuses a Universal dataplane whose workload label is not a DNS-1035 label. */
export function checkDataplaneLabels(labels: Labels): InvalidParameter[] {
  const workload = labels[WORKLOAD_LABEL];
  if (workload === undefined || workload === '') return [];
  const problems = dns1035LabelProblems(workload);
  if (problems.length === 0) return [];
  return [
    {
      field: `labels${key(WORKLOAD_LABEL)}`,
      reason: `must be a valid DNS-1035 label (at most 63 characters, matching regex [a-z]([-a-z0-9]*[a-z0-9])?): ${problems.join('; ')}`,
    },
  ];
}
