import { describe, it } from 'node:test';
import { expectIssues, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const trace = (spec: unknown) => policyDocument('MeshTrace', spec, 'default-tracing');

const withBackends = (...backends: unknown[]) => ({ targetRef: { kind: 'Mesh' }, default: { backends } });

const zipkin = {
  targetRef: { kind: 'Mesh' },
  default: {
    backends: [
      {
        type: 'Zipkin',
        zipkin: {
          url: 'http://jaeger-collector:9411/api/v2/spans',
          apiVersion: 'httpJson',
          traceId128bit: true,
          sharedSpanContext: false,
        },
      },
    ],
    sampling: { overall: 80, client: '12.5', random: 50 },
    tags: [
      { name: 'team', literal: 'core' },
      { name: 'env', header: { name: 'x-env', default: 'prod' } },
    ],
  },
};

describe('MeshTrace schema', () => {
  it('accepts a Zipkin backend with sampling and custom tags, keeping the spec as given', () => {
    expectValidAsGiven(trace(zipkin), { name: 'MeshTrace', shortName: 'mtr', order: 700 });
  });

  it('accepts Datadog, OpenTelemetry, and no backend at all', () => {
    for (const spec of [
      withBackends({ type: 'Datadog', datadog: { url: 'http://datadog-agent:8126', splitService: true } }),
      withBackends({ type: 'Datadog', datadog: { url: 'http://datadog-agent:80' } }),
      withBackends({ type: 'OpenTelemetry', openTelemetry: { endpoint: 'otel-collector:4317' } }),
      withBackends({ type: 'OpenTelemetry', openTelemetry: { endpoint: 'https://otel.example.com:4318/v1/traces' } }),
      withBackends(),
    ]) {
      expectValidAsGiven(trace(spec));
    }
  });

  it('rejects more than one backend', () => {
    const datadog = { type: 'Datadog', datadog: { url: 'http://datadog-agent:8126' } };
    expectIssues(trace(withBackends(datadog, datadog)), [
      { field: 'spec.default.backends', reason: 'must have zero or one backend' },
    ]);
  });

  it('rejects a policy without default or without backends', () => {
    expectIssues(trace({ targetRef: { kind: 'Mesh' } }), [{ field: 'spec.default', reason: 'is required' }]);
    expectIssues(trace({ default: { sampling: { overall: 10 } } }), [
      { field: 'spec.default.backends', reason: 'is required' },
    ]);
  });

  it('rejects sampling percentages outside 0 to 100 or not numeric', () => {
    const spec = { default: { backends: [], sampling: { overall: 101, random: 'half' } } };
    const reason = 'must be a percentage between 0 and 100, as a number or a decimal string';
    expectIssues(trace(spec), [
      { field: 'spec.default.sampling.overall', reason },
      { field: 'spec.default.sampling.random', reason },
    ]);
  });

  it('rejects a tag with both or neither of literal and header', () => {
    const spec = {
      default: { backends: [], tags: [{ name: 'a', literal: 'x', header: { name: 'x-a' } }, { name: 'b' }] },
    };
    expectIssues(trace(spec), [
      { field: 'spec.default.tags[0]', reason: 'must have exactly one of literal or header' },
      { field: 'spec.default.tags[1]', reason: 'must have exactly one of literal or header' },
    ]);
  });

  it('rejects a Datadog URL that is not plain http://host:port', () => {
    expectIssues(trace(withBackends({ type: 'Datadog', datadog: { url: 'https://datadog-agent/traces' } })), [
      { field: 'spec.default.backends[0].datadog.url', reason: 'scheme must be http' },
      { field: 'spec.default.backends[0].datadog.url', reason: 'must have a port' },
      { field: 'spec.default.backends[0].datadog.url', reason: 'must not have a path, query, fragment or user' },
    ]);
  });

  it('rejects a Zipkin URL that is not an http(s) URL', () => {
    expectIssues(trace(withBackends({ type: 'Zipkin', zipkin: { url: 'jaeger-collector:9411' } })), [
      { field: 'spec.default.backends[0].zipkin.url', reason: 'must be a valid http(s) URL' },
    ]);
  });

  it('rejects a backend missing the configuration its type names', () => {
    expectIssues(trace(withBackends({ type: 'Zipkin', datadog: { url: 'http://datadog-agent:8126' } })), [
      { field: 'spec.default.backends[0].zipkin', reason: 'is required when type is Zipkin' },
    ]);
  });

  it('rejects an OpenTelemetry endpoint with a bad port', () => {
    expectIssues(trace(withBackends({ type: 'OpenTelemetry', openTelemetry: { endpoint: 'otel-collector:99999' } })), [
      { field: 'spec.default.backends[0].openTelemetry.endpoint', reason: 'port must be between 1 and 65535' },
    ]);
  });

  it('rejects an unknown Zipkin API version and unknown fields', () => {
    expectIssues(
      trace(
        withBackends({
          type: 'Zipkin',
          zipkin: { url: 'http://zipkin:9411/api/v2/spans', apiVersion: 'grpc', sampleRate: 1 },
        }),
      ),
      [
        { field: 'spec.default.backends[0].zipkin.sampleRate', reason: 'unknown field' },
        { field: 'spec.default.backends[0].zipkin.apiVersion', reason: 'must be one of: httpJson, httpProto' },
      ],
    );
  });
});
