import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_HTTP_FORMAT,
  DEFAULT_TCP_FORMAT,
  envoyLogFormat,
  substitutePlaceholders,
  unknownPlaceholders,
  type KumaValues,
} from './formats.js';

const outbound: KumaValues = {
  mesh: 'default',
  sourceService: 'web',
  destinationService: 'backend',
  sourceAddress: '10.0.0.1',
  direction: 'OUTBOUND',
};

test("Kuma's placeholders take this proxy's values; Envoy's operators are left for Envoy", () => {
  const template =
    '%START_TIME% %KUMA_MESH% %KUMA_SOURCE_SERVICE%->%KUMA_DESTINATION_SERVICE% %KUMA_SOURCE_ADDRESS% %KUMA_SOURCE_ADDRESS_WITHOUT_PORT% %KUMA_TRAFFIC_DIRECTION% %RESPONSE_CODE%';
  assert.equal(
    substitutePlaceholders(template, outbound),
    '%START_TIME% default web->backend 10.0.0.1:0 10.0.0.1 OUTBOUND %RESPONSE_CODE%',
  );
});

test('an IPv6 source address is bracketed where a port follows it', () => {
  const values = { ...outbound, sourceAddress: 'fd00::1' };
  assert.equal(
    substitutePlaceholders('%KUMA_SOURCE_ADDRESS% %KUMA_SOURCE_ADDRESS_WITHOUT_PORT%', values),
    '[fd00::1]:0 fd00::1',
  );
});

test('a value is never read again as a placeholder, and a placeholder with no value here becomes "-"', () => {
  assert.equal(
    substitutePlaceholders('%KUMA_SOURCE_SERVICE% %KUMA_ZONE%', { ...outbound, sourceService: '%KUMA_MESH%' }),
    '%KUMA_MESH% -',
  );
  assert.deepEqual(unknownPlaceholders({ type: 'Plain', plain: '%KUMA_ZONE% %KUMA_MESH% %KUMA_ZONE% %START_TIME%' }), [
    '%KUMA_ZONE%',
  ]);
  assert.deepEqual(unknownPlaceholders({ type: 'Json', json: [{ key: 'w', value: '%KUMA_WORKLOAD%' }] }), [
    '%KUMA_WORKLOAD%',
  ]);
  assert.deepEqual(unknownPlaceholders(undefined), []);
});

test('without a format, a connection manager gets the HTTP default and a TCP proxy the TCP default, each one line', () => {
  const http = envoyLogFormat(undefined, 'http', outbound);
  const tcp = envoyLogFormat(undefined, 'tcp', outbound);
  assert.deepEqual(http, {
    kind: 'text',
    template: `${substitutePlaceholders(DEFAULT_HTTP_FORMAT, outbound)}\n`,
    omitEmptyValues: false,
  });
  assert.deepEqual(tcp, {
    kind: 'text',
    template: `${substitutePlaceholders(DEFAULT_TCP_FORMAT, outbound)}\n`,
    omitEmptyValues: false,
  });
  assert.match(
    tcp.kind === 'text' ? tcp.template : '',
    /^\[%START_TIME%\] %RESPONSE_FLAGS% default 10\.0\.0\.1\(web\)->%UPSTREAM_HOST%\(backend\) took/,
  );
});

test('a plain format is used on both kinds of filter, ended by a line break; a JSON format keeps its fields in order', () => {
  assert.deepEqual(
    envoyLogFormat(
      { type: 'Plain', plain: '%KUMA_SOURCE_SERVICE% %BYTES_SENT%', omitEmptyValues: true },
      'tcp',
      outbound,
    ),
    {
      kind: 'text',
      template: 'web %BYTES_SENT%\n',
      omitEmptyValues: true,
    },
  );
  const json = envoyLogFormat(
    {
      type: 'Json',
      json: [
        { key: 'to', value: '%KUMA_DESTINATION_SERVICE%' },
        { key: 'status', value: '%RESPONSE_CODE%' },
      ],
    },
    'http',
    outbound,
  );
  assert.deepEqual(json, {
    kind: 'json',
    fields: [
      ['to', 'backend'],
      ['status', '%RESPONSE_CODE%'],
    ],
    omitEmptyValues: false,
  });
});
