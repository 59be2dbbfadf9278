/**
 * MeshMetric: which metrics the selected proxies collect (their own, filtered
 * by profiles, and their applications' endpoints) and where they go: a
 * Prometheus endpoint to scrape, or an OpenTelemetry collector to push to.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Duration, Port, Strict, StringEnum } from '../../api/index.js';
import { definePolicy, isValidRegex, TargetRef, TOP_LEVEL_PROXY_KINDS } from '../core/index.js';

const Selector = Strict({
  type: StringEnum(['Prefix', 'Regex', 'Exact', 'Contains']),
  match: Type.String({ minLength: 1 }),
});

const Sidecar = Strict({
  profiles: Type.Optional(
    Strict({
      appendProfiles: Type.Optional(Type.Array(Strict({ name: StringEnum(['All', 'Basic', 'None']) }))),
      exclude: Type.Optional(Type.Array(Selector, { description: 'Metrics removed from the profiles; include wins.' })),
      include: Type.Optional(Type.Array(Selector, { description: 'Metrics added to the profiles.' })),
    }),
  ),
  includeUnused: Type.Optional(
    Type.Boolean({ description: 'Also publish metrics that never changed (default false).' }),
  ),
});

const Application = Strict({
  name: Type.Optional(Type.String({ minLength: 1 })),
  path: Type.Optional(
    Type.String({ minLength: 1, description: 'Path of the metrics endpoint (default /metrics/prometheus).' }),
  ),
  address: Type.Optional(
    Type.String({ minLength: 1, description: 'Address the application listens on (default: the inbound address).' }),
  ),
  port: Port(),
});

export const BACKEND_TYPES = ['Prometheus', 'OpenTelemetry'] as const;

const Backend = Strict({
  type: StringEnum(BACKEND_TYPES),
  prometheus: Type.Optional(
    Strict({
      clientId: Type.Optional(
        Type.String({ description: 'Prometheus client that discovers this endpoint over MADS.' }),
      ),
      port: Type.Optional(Port({ description: 'Port of the proxy metrics endpoint (default 5670).' })),
      path: Type.Optional(
        Type.String({
          pattern: '^/',
          errorMessage: 'must be a path starting with /',
          description: 'Path of the endpoint (default /metrics).',
        }),
      ),
      tls: Type.Optional(
        Strict({
          mode: StringEnum(['Disabled', 'ProvidedTLS', 'ActiveMTLSBackend'], {
            description: 'TLS of the endpoint (default Disabled).',
          }),
        }),
      ),
    }),
  ),
  openTelemetry: Type.Optional(
    Strict({
      endpoint: Type.String({ minLength: 1, description: 'Collector address, like otel-collector:4317.' }),
      refreshInterval: Type.Optional(Duration({ description: 'How often metrics are pushed.' })),
    }),
  ),
});

export const MeshMetricConf = Strict({
  sidecar: Type.Optional(Sidecar),
  applications: Type.Optional(Type.Array(Application)),
  backends: Type.Optional(Type.Array(Backend)),
});
export type MeshMetricConf = Static<typeof MeshMetricConf>;

export const MeshMetricSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_PROXY_KINDS)),
  default: MeshMetricConf,
});
export type MeshMetricSpec = Static<typeof MeshMetricSpec>;

/** A collector endpoint: a URL or a host:port. */
function isEndpoint(value: string): boolean {
  for (const candidate of [value, `grpc://${value}`]) {
    try {
      if (new URL(candidate).hostname !== '') return true;
    } catch {
      // try the next reading
    }
  }
  return false;
}

export const MeshMetricKind = definePolicy({
  name: 'MeshMetric',
  shortName: 'mm',
  hasStatus: true,
  order: 1500,
  acts: 'none',
  spec: MeshMetricSpec,
  check: (spec) => {
    const issues: InvalidParameter[] = [];
    const profiles = spec.default.sidecar?.profiles;
    for (const list of ['include', 'exclude'] as const) {
      profiles?.[list]?.forEach((selector, i) => {
        if (selector.type === 'Regex' && !isValidRegex(selector.match))
          issues.push({
            field: `default.sidecar.profiles.${list}[${i}].match`,
            reason: 'must be a valid regular expression',
          });
      });
    }
    spec.default.backends?.forEach((backend, i) => {
      const at = `default.backends[${i}]`;
      const own = backend.type === 'Prometheus' ? 'prometheus' : 'openTelemetry';
      const other = own === 'prometheus' ? 'openTelemetry' : 'prometheus';
      if (backend[own] === undefined)
        issues.push({ field: `${at}.${own}`, reason: `is required when type is ${backend.type}` });
      if (backend[other] !== undefined)
        issues.push({ field: `${at}.${other}`, reason: `must not be set when type is ${backend.type}` });
      const endpoint = backend.openTelemetry?.endpoint;
      if (own === 'openTelemetry' && endpoint !== undefined && !isEndpoint(endpoint))
        issues.push({
          field: `${at}.openTelemetry.endpoint`,
          reason: 'must be a URL or host:port of an OpenTelemetry collector',
        });
    });
    return issues;
  },
});
