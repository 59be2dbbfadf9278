import { describe, it } from 'node:test';
import { expectAccepted, expectRefusedAt } from './testing.js';

const backend = (spec: unknown) => ({ type: 'MeshOpenTelemetryBackend', mesh: 'default', name: 'otel', spec });

describe('MeshOpenTelemetryBackend', () => {
  it('accepts the documented example and an empty backend (every default)', () => {
    expectAccepted(
      backend({
        endpoint: { address: 'otel-collector.observability', port: 4318, path: '/v1' },
        protocol: 'http',
        env: { mode: 'Optional', precedence: 'EnvFirst', allowSignalOverrides: true },
      }),
    );
    expectAccepted(backend({}));
  });

  it('refuses an unknown protocol, a path without a leading slash and a port out of range', () => {
    expectRefusedAt(backend({ protocol: 'udp', endpoint: { path: 'v1', port: 0 } }), [
      'spec.endpoint.port',
      'spec.endpoint.path',
      'spec.protocol',
    ]);
  });
});
