// The xDS stream limits and the shutdown bound of the configuration table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKogumaError } from '../api/errors.js';
import { resolveConfig, settings, type ControlPlaneConfig } from './config.js';

function issues(flags: Partial<Record<keyof ControlPlaneConfig, string>>, env: Record<string, string> = {}): string[] {
  try {
    resolveConfig(flags, env);
    return [];
  } catch (error) {
    if (!isKogumaError(error)) throw error;
    return error.invalidParameters.map((p) => `${p.field}: ${p.reason}`);
  }
}

test('defaults: 50 streams and 16 pending per connection, 10 s for the first request, 8 streams per dataplane, 10 s to drain on shutdown', () => {
  const config = resolveConfig({}, {});
  assert.deepEqual(
    [
      config.xdsMaxStreamsPerConnection,
      config.xdsMaxPendingStreamsPerConnection,
      config.xdsFirstRequestTimeoutMs,
      config.xdsMaxStreamsPerDataplane,
      config.shutdownTimeoutMs,
    ],
    [50, 16, 10_000, 8, 10_000],
  );
});

test('each comes from its flag or its KOGUMA_* variable; the refusal messages name the same flags', () => {
  const config = resolveConfig(
    { xdsMaxStreamsPerConnection: '4', xdsFirstRequestTimeoutMs: '2s', shutdownTimeoutMs: '1m' },
    {
      KOGUMA_XDS_MAX_PENDING_STREAMS_PER_CONNECTION: '3',
      KOGUMA_XDS_MAX_STREAMS_PER_DATAPLANE: '5',
      KOGUMA_SHUTDOWN_TIMEOUT: '5s',
    },
  );
  assert.deepEqual(
    [
      config.xdsMaxStreamsPerConnection,
      config.xdsMaxPendingStreamsPerConnection,
      config.xdsFirstRequestTimeoutMs,
      config.xdsMaxStreamsPerDataplane,
      config.shutdownTimeoutMs,
    ],
    [4, 3, 2_000, 5, 60_000],
  );
  const flags = settings.map((setting) => setting.flag);
  for (const flag of [
    '--xds-max-streams-per-connection',
    '--xds-max-pending-streams-per-connection',
    '--xds-first-request-timeout',
    '--xds-max-streams-per-dataplane',
    '--shutdown-timeout',
  ])
    assert.ok(flags.includes(flag), flag);
});

test('bad values are refused with the flag named', () => {
  assert.deepEqual(issues({ xdsMaxStreamsPerConnection: '0' }), [
    '--xds-max-streams-per-connection: must be a positive integer',
  ]);
  assert.deepEqual(issues({ xdsMaxStreamsPerDataplane: '1' }), [
    '--xds-max-streams-per-dataplane: must be at least 2: koguma dp run --proxyless holds two streams per dataplane',
  ]);
  assert.deepEqual(issues({ xdsFirstRequestTimeoutMs: '0s' }), ['--xds-first-request-timeout: must be longer than 0']);
  assert.deepEqual(issues({}, { KOGUMA_SHUTDOWN_TIMEOUT: '30d' }), [
    'KOGUMA_SHUTDOWN_TIMEOUT: must be shorter than 24 days',
  ]);
  assert.deepEqual(issues({ shutdownTimeoutMs: 'soon' }), [
    '--shutdown-timeout: must be a duration like 500ms, 30s or 5m',
  ]);
});
