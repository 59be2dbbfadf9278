/**
 * Mesh: the unit of isolation. Holds the mTLS backends (the CA that issues
 * workload identities) and mesh-wide observability and routing switches.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { InvalidParameter } from '../errors.js';
import { defineKind } from '../kind.js';
import { LongDuration, Duration, Strict, StringEnum } from '../primitives.js';
import { issuesAgainst } from '../validate.js';
import { DataSource } from './datasource.js';

const BuiltinCaConf = Strict({
  caCert: Type.Optional(
    Strict({
      RSAbits: Type.Optional(
        Type.Integer({
          minimum: 2048,
          maximum: 8192,
          description: 'Generate an RSA root of this size instead of ECDSA P-256.',
        }),
      ),
      expiration: Type.Optional(LongDuration({ description: 'Lifetime of the generated root (default 10y).' })),
      algorithm: Type.Optional(
        StringEnum(['ECDSA', 'RSA'], { description: 'Key algorithm of the root; ECDSA P-256 unless RSAbits is set.' }),
      ),
    }),
  ),
});

const ProvidedCaConf = Strict({
  cert: DataSource('The CA certificate (PEM), optionally followed by its chain.'),
  key: DataSource('The CA private key (PEM).'),
});

const MtlsBackend = Strict({
  name: Type.String({ minLength: 1 }),
  type: StringEnum(['builtin', 'provided']),
  mode: Type.Optional(StringEnum(['STRICT', 'PERMISSIVE'], { description: 'STRICT (default) refuses plaintext.' })),
  dpCert: Type.Optional(
    Strict({
      rotation: Type.Optional(
        Strict({
          expiration: Type.Optional(LongDuration({ description: 'Workload certificate lifetime (default 24h).' })),
        }),
      ),
      requestTimeout: Type.Optional(Duration()),
    }),
  ),
  conf: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), { description: 'Backend settings; shape depends on type.' }),
  ),
});

const BACKEND_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const NamedBackends = <T extends ReturnType<typeof Strict>>(backend: T) => Type.Optional(Type.Array(backend));

const MetricsBackend = Strict({
  name: Type.String({ minLength: 1 }),
  type: StringEnum(['prometheus']),
  conf: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
const TracingBackend = Strict({
  name: Type.String({ minLength: 1 }),
  type: StringEnum(['zipkin', 'datadog']),
  sampling: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  conf: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
const LoggingBackend = Strict({
  name: Type.String({ minLength: 1 }),
  type: StringEnum(['file', 'tcp']),
  format: Type.Optional(Type.String()),
  conf: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const MeshSpec = Type.Object(
  {
    mtls: Type.Optional(
      Strict({
        enabledBackend: Type.Optional(Type.String({ description: 'Name of the backend in use; empty disables mTLS.' })),
        backends: NamedBackends(MtlsBackend),
        skipValidation: Type.Optional(Type.Boolean()),
      }),
    ),
    metrics: Type.Optional(
      Strict({ enabledBackend: Type.Optional(Type.String()), backends: NamedBackends(MetricsBackend) }),
    ),
    tracing: Type.Optional(
      Strict({ defaultBackend: Type.Optional(Type.String()), backends: NamedBackends(TracingBackend) }),
    ),
    logging: Type.Optional(
      Strict({ defaultBackend: Type.Optional(Type.String()), backends: NamedBackends(LoggingBackend) }),
    ),
    networking: Type.Optional(
      Strict({ outbound: Type.Optional(Strict({ passthrough: Type.Optional(Type.Boolean()) })) }),
    ),
    routing: Type.Optional(
      Strict({
        localityAwareLoadBalancing: Type.Optional(Type.Boolean()),
        zoneEgress: Type.Optional(Type.Boolean()),
        defaultForbidMeshExternalServiceAccess: Type.Optional(Type.Boolean()),
      }),
    ),
    meshServices: Type.Optional(
      Strict({ mode: Type.Optional(StringEnum(['Disabled', 'Everywhere', 'ReachableBackends', 'Exclusive'])) }),
    ),
    skipCreatingInitialPolicies: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Kinds of default policies not to create with the mesh, or "*" for none.',
      }),
    ),
  },
  { additionalProperties: false },
);

export type MeshSpec = Static<typeof MeshSpec>;

function checkBackendNames(
  section: string,
  enabled: string | undefined,
  backends: readonly { name: string }[] | undefined,
): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const names = new Set<string>();
  (backends ?? []).forEach((backend, i) => {
    if (names.has(backend.name))
      issues.push({ field: `${section}.backends[${i}].name`, reason: `"${backend.name}" is used by another backend` });
    names.add(backend.name);
  });
  if (enabled && !names.has(enabled))
    issues.push({
      field: `${section}.${section === 'mtls' || section === 'metrics' ? 'enabledBackend' : 'defaultBackend'}`,
      reason: `names no backend in ${section}.backends`,
    });
  return issues;
}

function checkMesh(spec: MeshSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [
    ...checkBackendNames('mtls', spec.mtls?.enabledBackend, spec.mtls?.backends),
    ...checkBackendNames('metrics', spec.metrics?.enabledBackend, spec.metrics?.backends),
    ...checkBackendNames('tracing', spec.tracing?.defaultBackend, spec.tracing?.backends),
    ...checkBackendNames('logging', spec.logging?.defaultBackend, spec.logging?.backends),
  ];
  spec.mtls?.backends?.forEach((backend, i) => {
    const conf = backend.conf ?? {};
    const field = `mtls.backends[${i}].conf`;
    if (backend.type === 'builtin') {
      issues.push(...issuesAgainst(BuiltinCaConf, conf, field));
      // The generated root is stored as Secrets named after the backend.
      if (!BACKEND_NAME.test(backend.name)) {
        issues.push({
          field: `mtls.backends[${i}].name`,
          reason:
            'a builtin backend name must be lower case letters, digits and "-", starting and ending with a letter or digit',
        });
      }
    } else issues.push(...issuesAgainst(ProvidedCaConf, conf, field));
  });
  return issues;
}

export const MeshKind = defineKind({
  name: 'Mesh',
  plural: 'meshes',
  shortName: 'm',
  singularDisplayName: 'Mesh',
  pluralDisplayName: 'Meshes',
  scope: 'Global',
  shape: 'flat',
  spec: MeshSpec,
  check: checkMesh,
});
