import { test } from 'node:test';
import { expectIssues, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const documentOf = (spec: unknown) => policyDocument('MeshMetric', spec, 'metrics-default');

const withDefault = (conf: unknown) => ({ targetRef: { kind: 'Mesh' }, default: conf });

test('a Kuma-style MeshMetric with profiles, applications and both backends validates unchanged', () => {
  const spec = withDefault({
    sidecar: {
      includeUnused: false,
      profiles: {
        appendProfiles: [{ name: 'Basic' }],
        exclude: [{ type: 'Regex', match: 'envoy_cluster_lb_.*' }],
        include: [{ type: 'Prefix', match: 'envoy_cluster_default_total_match' }],
      },
    },
    applications: [
      { name: 'backend', path: '/metrics/prometheus', port: 5000 },
      { port: 9090, address: '127.0.0.1' },
    ],
    backends: [
      {
        type: 'Prometheus',
        prometheus: { port: 5670, path: '/metrics', clientId: 'main', tls: { mode: 'ActiveMTLSBackend' } },
      },
      {
        type: 'OpenTelemetry',
        openTelemetry: { endpoint: 'otel-collector.observability.svc:4317', refreshInterval: '30s' },
      },
    ],
  });
  expectValidAsGiven(documentOf(spec));
});

test('a backend must carry the section its type names, and only that one', () => {
  expectIssues(
    documentOf(withDefault({ backends: [{ type: 'Prometheus', openTelemetry: { endpoint: 'collector:4317' } }] })),
    [
      { field: 'spec.default.backends[0].prometheus', reason: 'is required when type is Prometheus' },
      { field: 'spec.default.backends[0].openTelemetry', reason: 'must not be set when type is Prometheus' },
    ],
  );
});

test('an unknown backend type or TLS mode is rejected', () => {
  expectIssues(documentOf(withDefault({ backends: [{ type: 'Datadog' }] })), [
    { field: 'spec.default.backends[0].type', reason: 'must be one of: Prometheus, OpenTelemetry' },
  ]);
  expectIssues(documentOf(withDefault({ backends: [{ type: 'Prometheus', prometheus: { tls: { mode: 'mTLS' } } }] })), [
    {
      field: 'spec.default.backends[0].prometheus.tls.mode',
      reason: 'must be one of: Disabled, ProvidedTLS, ActiveMTLSBackend',
    },
  ]);
});

test('an OpenTelemetry endpoint that is not an address is rejected', () => {
  expectIssues(
    documentOf(withDefault({ backends: [{ type: 'OpenTelemetry', openTelemetry: { endpoint: 'not an address' } }] })),
    [
      {
        field: 'spec.default.backends[0].openTelemetry.endpoint',
        reason: 'must be a URL or host:port of an OpenTelemetry collector',
      },
    ],
  );
});

test('application and Prometheus ports must be valid ports', () => {
  expectIssues(
    documentOf(
      withDefault({ applications: [{ port: 0 }], backends: [{ type: 'Prometheus', prometheus: { port: 70000 } }] }),
    ),
    [
      { field: 'spec.default.applications[0].port', reason: 'must be a port between 1 and 65535' },
      { field: 'spec.default.backends[0].prometheus.port', reason: 'must be a port between 1 and 65535' },
    ],
  );
});

test('a broken regex selector and an unknown profile are rejected', () => {
  expectIssues(documentOf(withDefault({ sidecar: { profiles: { include: [{ type: 'Regex', match: 'envoy_(' }] } } })), [
    { field: 'spec.default.sidecar.profiles.include[0].match', reason: 'must be a valid regular expression' },
  ]);
  expectIssues(documentOf(withDefault({ sidecar: { profiles: { appendProfiles: [{ name: 'Everything' }] } } })), [
    { field: 'spec.default.sidecar.profiles.appendProfiles[0].name', reason: 'must be one of: All, Basic, None' },
  ]);
});

test('default is required, and to/from are not MeshMetric sections', () => {
  expectIssues(documentOf({ targetRef: { kind: 'Mesh' } }), [{ field: 'spec.default', reason: 'is required' }]);
  expectIssues(documentOf({ ...withDefault({}), from: [] }), [{ field: 'spec.from', reason: 'unknown field' }]);
});
