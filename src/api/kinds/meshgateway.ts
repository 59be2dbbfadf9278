/**
 * MeshGateway: a built-in gateway's listeners (port, protocol, host name,
 * TLS), bound to the gateway dataplanes its selectors pick. Routes attach to
 * it by targetRef (MeshHTTPRoute, MeshTCPRoute).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind } from '../kind.js';
import { Port, Strict, StringEnum, Tags, TagsWith, Uint32 } from '../primitives.js';
import { SERVICE_TAG } from './dataplane.js';
import { DataSource } from './datasource.js';

/** Tags that describe a dataplane's inbound, not a gateway or its listeners. */
const DATAPLANE_TAGS = [SERVICE_TAG, 'kuma.io/protocol', 'kuma.io/zone', 'kuma.io/external-service-name'];

const Listener = Strict({
  hostname: Type.Optional(
    Type.String({
      pattern: '^(\\*|(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$',
      maxLength: 253,
      errorMessage: 'must be a host name, a wildcard such as *.example.com, or *',
      description: 'Host the listener serves; any host when absent.',
    }),
  ),
  port: Port(),
  protocol: StringEnum(['TCP', 'TLS', 'HTTP', 'HTTPS']),
  tls: Type.Optional(
    Strict({
      mode: StringEnum(['TERMINATE', 'PASSTHROUGH']),
      certificates: Type.Optional(
        Type.Array(DataSource('Certificate and key (PEM).'), {
          maxItems: 2,
          description: 'One or two (RSA and ECDSA) certificates, each with its key.',
        }),
      ),
      options: Type.Optional(Strict({})),
    }),
  ),
  tags: Type.Optional(Tags({ description: 'Tags of the listener, for policies that select by tag.' })),
  crossMesh: Type.Optional(Type.Boolean({ description: 'Whether clients from other meshes may use the listener.' })),
  resources: Type.Optional(Strict({ connectionLimit: Type.Optional(Uint32()) })),
});

export const MeshGatewaySpec = Type.Object(
  {
    selectors: Type.Array(Strict({ match: TagsWith([SERVICE_TAG]) }), {
      minItems: 1,
      description: 'Gateway dataplanes this gateway configures, by their kuma.io/service and other tags.',
    }),
    tags: Type.Optional(Tags({ description: 'Tags of the gateway itself.' })),
    conf: Strict({ listeners: Type.Array(Listener, { minItems: 1 }) }),
  },
  { additionalProperties: false },
);

export type MeshGatewaySpec = Static<typeof MeshGatewaySpec>;
type Listener = MeshGatewaySpec['conf']['listeners'][number];

function checkListener(listener: Listener, at: string): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const crossMesh = listener.crossMesh === true;
  if (listener.protocol === 'HTTPS') {
    if (crossMesh) issues.push({ field: `${at}.protocol`, reason: 'HTTPS is not supported with crossMesh' });
    else if (!listener.tls) issues.push({ field: `${at}.tls`, reason: 'is required for an HTTPS listener' });
    else if (listener.tls.mode === 'PASSTHROUGH')
      issues.push({ field: `${at}.tls.mode`, reason: 'PASSTHROUGH is not supported on HTTPS listeners' });
  }
  const tls = listener.tls;
  if (tls && crossMesh) issues.push({ field: `${at}.tls`, reason: 'must be empty with crossMesh' });
  else if (tls?.mode === 'TERMINATE' && (tls.certificates ?? []).length === 0)
    issues.push({ field: `${at}.tls.certificates`, reason: 'must have at least one certificate in TERMINATE mode' });
  for (const tag of DATAPLANE_TAGS)
    if (listener.tags?.[tag] !== undefined)
      issues.push({ field: `${at}.tags["${tag}"]`, reason: 'is a dataplane tag and cannot be a listener tag' });
  return issues;
}

/** Listeners on one port are served by one Envoy listener: they must agree on the protocol and limits. */
function checkSharedPorts(listeners: readonly Listener[]): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const byPort = new Map<number, number[]>();
  listeners.forEach((l, i) => byPort.set(l.port, [...(byPort.get(l.port) ?? []), i]));
  for (const indexes of byPort.values()) {
    if (new Set(indexes.map((i) => listeners[i]!.protocol)).size > 1)
      for (const i of indexes)
        issues.push({ field: `conf.listeners[${i}].protocol`, reason: 'conflicts with other listeners on this port' });
    const hosts = new Map<string, number>();
    for (const i of indexes) {
      const host = listeners[i]!.hostname ?? '*';
      const other = hosts.get(host);
      if (other !== undefined)
        issues.push({
          field: `conf.listeners[${i}].hostname`,
          reason: `"${host}" on port ${listeners[i]!.port} is already served by conf.listeners[${other}]`,
        });
      else hosts.set(host, i);
    }
    const limits = new Set(
      indexes.flatMap((i) => listeners[i]!.resources?.connectionLimit ?? []).filter((l) => l !== 0),
    );
    if (limits.size > 1)
      for (const i of indexes)
        if (listeners[i]!.resources?.connectionLimit)
          issues.push({
            field: `conf.listeners[${i}].resources.connectionLimit`,
            reason: 'conflicts with the limit of other listeners on this port',
          });
  }
  return issues;
}

function checkMeshGateway(spec: MeshGatewaySpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const listeners = spec.conf.listeners;
  if (listeners.some((l) => l.crossMesh === true) && spec.selectors.length > 1)
    issues.push({ field: 'selectors', reason: 'must have exactly one selector when a listener is crossMesh' });
  for (const tag of DATAPLANE_TAGS)
    if (spec.tags?.[tag] !== undefined)
      issues.push({ field: `tags["${tag}"]`, reason: 'is a dataplane tag and cannot be a gateway tag' });
  listeners.forEach((listener, i) => issues.push(...checkListener(listener, `conf.listeners[${i}]`)));
  issues.push(...checkSharedPorts(listeners));
  return issues;
}

export const MeshGatewayKind = defineKind({
  name: 'MeshGateway',
  plural: 'meshgateways',
  shortName: 'mgw',
  singularDisplayName: 'Mesh Gateway',
  pluralDisplayName: 'Mesh Gateways',
  scope: 'Mesh',
  shape: 'flat',
  spec: MeshGatewaySpec,
  check: checkMeshGateway,
});
