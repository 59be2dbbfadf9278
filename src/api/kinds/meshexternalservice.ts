/**
 * MeshExternalService: a service outside the mesh that proxies reach through
 * the mesh, on one port, at the endpoints listed, optionally originating TLS.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind, type Identified } from '../kind.js';
import { Port, Strict, StringEnum } from '../primitives.js';
import { ADDRESS_REASON, isAddress, isHostname } from './address.js';
import { DataSource } from './datasource.js';
import { destinationWarnings, snisOf, type Section } from './destination.js';
import { Extension } from './label-selector.js';

const SHORT_NAME = 'extsvc';
export const DESTINATION_PROTOCOLS = ['tcp', 'grpc', 'http', 'http2'] as const;
const TLS_VERSIONS = ['TLSAuto', 'TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;

const Tls = Strict({
  enabled: Type.Optional(Type.Boolean({ description: 'Whether the proxy originates TLS (default false).' })),
  version: Type.Optional(
    Strict({ min: Type.Optional(StringEnum(TLS_VERSIONS)), max: Type.Optional(StringEnum(TLS_VERSIONS)) }),
  ),
  allowRenegotiation: Type.Optional(Type.Boolean({ description: 'Not recommended (default false).' })),
  verification: Type.Optional(
    Strict({
      mode: Type.Optional(
        StringEnum(['SkipSAN', 'SkipCA', 'Secured', 'SkipAll'], { description: 'What is verified (default Secured).' }),
      ),
      serverName: Type.Optional(Type.String({ description: 'SNI to send instead of the endpoint address.' })),
      subjectAltNames: Type.Optional(
        Type.Array(
          Strict({
            type: Type.Optional(StringEnum(['Exact', 'Prefix'], { description: 'Default Exact.' })),
            value: Type.String({ minLength: 1 }),
          }),
        ),
      ),
      caCert: Type.Optional(DataSource('CA certificate the server must chain to.')),
      clientCert: Type.Optional(DataSource('Client certificate, with clientKey.')),
      clientKey: Type.Optional(DataSource('Client private key, with clientCert.')),
    }),
  ),
});

export const MeshExternalServiceSpec = Type.Object(
  {
    match: Strict(
      {
        type: Type.Optional(StringEnum(['HostnameGenerator'], { description: 'Default HostnameGenerator.' })),
        port: Port({ description: 'Port the application sends its requests to.' }),
        protocol: Type.Optional(StringEnum(DESTINATION_PROTOCOLS, { description: 'Default tcp.' })),
      },
      { description: 'The traffic that goes to this service.' },
    ),
    extension: Type.Optional(Extension),
    endpoints: Type.Optional(
      Type.Array(
        Strict({
          address: Type.String({ minLength: 1, description: 'IP address or host name.' }),
          port: Port(),
          priority: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: 128,
              errorMessage: 'must be an integer from 0 to 128',
              description: 'Failover level; 0, the default, is tried first.',
            }),
          ),
        }),
      ),
    ),
    tls: Type.Optional(Tls),
  },
  { additionalProperties: false },
);

export type MeshExternalServiceSpec = Static<typeof MeshExternalServiceSpec>;

function checkTls(tls: NonNullable<MeshExternalServiceSpec['tls']>): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const { min, max } = tls.version ?? {};
  if (min && max && min !== 'TLSAuto' && max !== 'TLSAuto' && TLS_VERSIONS.indexOf(min) > TLS_VERSIONS.indexOf(max))
    issues.push({ field: 'tls.version.min', reason: `must not be higher than max (${max})` });
  const verification = tls.verification;
  if (verification?.serverName !== undefined && !isHostname(verification.serverName))
    issues.push({ field: 'tls.verification.serverName', reason: 'must be a valid DNS name' });
  if (verification?.clientCert && !verification.clientKey)
    issues.push({ field: 'tls.verification.clientKey', reason: 'must be defined when clientCert is defined' });
  if (!verification?.clientCert && verification?.clientKey)
    issues.push({ field: 'tls.verification.clientCert', reason: 'must be defined when clientKey is defined' });
  return issues;
}

function checkMeshExternalService(spec: MeshExternalServiceSpec): InvalidParameter[] {
  // With an extension, the extension checks endpoints and TLS itself.
  if (spec.extension) return [];
  const issues: InvalidParameter[] = [];
  spec.endpoints?.forEach((endpoint, i) => {
    if (!isAddress(endpoint.address)) issues.push({ field: `endpoints[${i}].address`, reason: ADDRESS_REASON });
  });
  if (spec.tls) issues.push(...checkTls(spec.tls));
  return issues;
}

const sections = (spec: MeshExternalServiceSpec): Section[] => [
  { port: spec.match.port, sectionName: String(spec.match.port) },
];

export const MeshExternalServiceKind = defineKind({
  name: 'MeshExternalService',
  plural: 'meshexternalservices',
  shortName: SHORT_NAME,
  singularDisplayName: 'Mesh External Service',
  pluralDisplayName: 'Mesh External Services',
  scope: 'Mesh',
  shape: 'enveloped',
  spec: MeshExternalServiceSpec,
  hasStatus: true,
  emptyStatus: { vip: {} },
  check: checkMeshExternalService,
  warnings: (resource: Identified<MeshExternalServiceSpec>) =>
    destinationWarnings('MeshExternalService', SHORT_NAME, resource, sections(resource.spec)),
  computed: (resource: Identified<MeshExternalServiceSpec>) => snisOf(SHORT_NAME, resource, sections(resource.spec)),
});
