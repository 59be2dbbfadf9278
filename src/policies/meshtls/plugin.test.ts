import {
  CACHE,
  clusterOf,
  expectGolden,
  goldenText,
  hcmsOf,
  httpFilterNames,
  inboundSideConfig,
  inboundSideGolden,
  listenerOf,
  networkFilterNames,
  srcPath,
  storedPolicy,
  WEB,
} from '../core/testkit/index.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

const testdata = srcPath('src/policies/meshtls/testdata');

const mtls = (name: string, spec: Record<string, unknown>) => storedPolicy('MeshTLS', name, spec);
const rules = (conf: unknown) => ({ rules: [{ default: conf }] });
const onWebOnly = (conf: unknown) => ({
  targetRef: { kind: 'Dataplane', name: 'web-1', sectionName: 'web' },
  ...rules(conf),
});

const transportProtocols = (listener: Record<string, any>): (string | undefined)[] =>
  (listener['filterChains'] as Record<string, any>[]).map((chain) => chain['filterChainMatch']?.['transportProtocol']);
const hasTls = (listener: Record<string, any>): boolean[] =>
  (listener['filterChains'] as Record<string, any>[]).map((chain) => chain['transportSocket'] !== undefined);
const listenerFilterNames = (listener: Record<string, any>): string[] =>
  ((listener['listenerFilters'] ?? []) as { name: string }[]).map((f) => f.name);
const tlsParamsOf = (withSocket: Record<string, any>): unknown =>
  withSocket['transportSocket']['typedConfig']['commonTlsContext']['tlsParams'];

test('Envoy: mode Permissive on a STRICT mesh adds the plaintext chain, without RBAC, behind the TLS inspector', () => {
  const config = inboundSideConfig('envoy', [mtls('permissive', rules({ mode: 'Permissive' }))], { mtls: 'STRICT' });
  const strict = inboundSideConfig('envoy', [], { mtls: 'PERMISSIVE' });
  for (const name of [WEB, CACHE]) {
    const listener = listenerOf(config, name);
    assert.deepEqual(transportProtocols(listener), ['tls', 'raw_buffer'], name);
    assert.deepEqual(hasTls(listener), [true, false], name);
    assert.deepEqual(listenerFilterNames(listener), ['envoy.filters.listener.tls_inspector'], name);
    // The same listener the generator builds for a PERMISSIVE mesh.
    assert.deepEqual(listener, listenerOf(strict, name), name);
  }
  assert.deepEqual(hcmsOf(listenerOf(config, WEB)).map(httpFilterNames), [
    ['envoy.filters.http.rbac', 'envoy.filters.http.router'],
    ['envoy.filters.http.router'],
  ]);
  assert.deepEqual(networkFilterNames(listenerOf(config, CACHE)), [
    ['envoy.filters.network.rbac', 'envoy.filters.network.tcp_proxy'],
    ['envoy.filters.network.tcp_proxy'],
  ]);
});

test('Envoy: mode Strict on a PERMISSIVE mesh keeps only the TLS chain, as a STRICT mesh has it', () => {
  const config = inboundSideConfig('envoy', [mtls('strict', rules({ mode: 'Strict' }))], { mtls: 'PERMISSIVE' });
  const strict = inboundSideConfig('envoy', [], { mtls: 'STRICT' });
  for (const name of [WEB, CACHE]) assert.deepEqual(listenerOf(config, name), listenerOf(strict, name), name);
});

test('Envoy: a mode is per inbound: a Dataplane policy with a sectionName changes that inbound only', () => {
  const config = inboundSideConfig('envoy', [mtls('web-permissive', onWebOnly({ mode: 'Permissive' }))], {
    mtls: 'STRICT',
    inbounds: [0],
  });
  assert.deepEqual(transportProtocols(listenerOf(config, WEB)), ['tls', 'raw_buffer']);
  assert.deepEqual(transportProtocols(listenerOf(config, CACHE)), [undefined]);
});

test('Envoy: the mode the mesh already has changes nothing', () => {
  const config = inboundSideConfig('envoy', [mtls('strict', rules({ mode: 'Strict' }))], { mtls: 'STRICT' });
  const plain = inboundSideConfig('envoy', [], { mtls: 'STRICT' });
  assert.deepEqual(
    config.resources.map((r) => r.any.value),
    plain.resources.map((r) => r.any.value),
  );
});

test('Envoy: versions and ciphers go to every inbound TLS chain and every outbound TLS cluster', () => {
  const conf = {
    tlsVersion: { min: 'TLS12', max: 'TLS13' },
    tlsCiphers: ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  };
  const config = inboundSideConfig('envoy', [mtls('versions', rules(conf))], { mtls: 'PERMISSIVE' });
  const expected = {
    tlsMinimumProtocolVersion: 'TLSv1_2',
    tlsMaximumProtocolVersion: 'TLSv1_3',
    cipherSuites: conf.tlsCiphers,
  };
  const web = listenerOf(config, WEB)['filterChains'] as Record<string, any>[];
  assert.deepEqual(tlsParamsOf(web[0]!), expected);
  assert.equal(web[1]!['transportSocket'], undefined, 'the plaintext chain stays plaintext');
  for (const cluster of ['backend', 'db']) assert.deepEqual(tlsParamsOf(clusterOf(config, cluster)), expected, cluster);
  assert.equal(clusterOf(config, 'localhost:8081')['transportSocket'], undefined);
});

test('Envoy: only a minimum version leaves the maximum to Envoy', () => {
  const config = inboundSideConfig('envoy', [mtls('min', rules({ tlsVersion: { min: 'TLS13' } }))], { mtls: 'STRICT' });
  assert.deepEqual(tlsParamsOf((listenerOf(config, WEB)['filterChains'] as Record<string, any>[])[0]!), {
    tlsMinimumProtocolVersion: 'TLSv1_3',
  });
});

test('Envoy: a more specific policy overrides the mode and keeps the mesh-wide versions', () => {
  const config = inboundSideConfig(
    'envoy',
    [
      mtls('mesh-wide', rules({ tlsVersion: { min: 'TLS12' }, mode: 'Strict' })),
      mtls('web', onWebOnly({ mode: 'Permissive' })),
    ],
    { mtls: 'STRICT' },
  );
  const web = listenerOf(config, WEB);
  assert.deepEqual(transportProtocols(web), ['tls', 'raw_buffer']);
  assert.deepEqual(tlsParamsOf((web['filterChains'] as Record<string, any>[])[0]!), {
    tlsMinimumProtocolVersion: 'TLSv1_2',
  });
});

test('Envoy: from entries naming some callers are reported and left out', () => {
  const config = inboundSideConfig(
    'envoy',
    [
      mtls('by-caller', {
        from: [{ targetRef: { kind: 'MeshService', name: 'frontend' }, default: { mode: 'Permissive' } }],
      }),
    ],
    { mtls: 'STRICT' },
  );
  assert.deepEqual(transportProtocols(listenerOf(config, WEB)), [undefined]);
  assert.deepEqual(config.warnings, [
    'MeshTLS: by-caller: from[0] (MeshService) not applied: TLS settings are per inbound, not per caller; use rules or a Mesh source',
  ]);
});

test('without mesh mTLS the policy is reported and nothing changes', () => {
  const config = inboundSideConfig('envoy', [
    mtls('permissive', rules({ mode: 'Permissive', tlsVersion: { min: 'TLS13' } })),
  ]);
  assert.deepEqual(config.warnings, [
    'MeshTLS: not applied: the mesh has no mTLS enabled, so there is no TLS to configure',
  ]);
  assert.deepEqual(
    config.resources.map((r) => r.any.value),
    inboundSideConfig('envoy', []).resources.map((r) => r.any.value),
  );
});

test('gRPC: versions, ciphers and Permissive are reported; the resources stay what grpc-js-xds accepts', () => {
  const config = inboundSideConfig('grpc', [mtls('all', rules({ mode: 'Permissive', tlsVersion: { min: 'TLS13' } }))], {
    mtls: 'STRICT',
  });
  assert.deepEqual(config.warnings, [
    'MeshTLS: tlsVersion and tlsCiphers not applied: grpc-js-xds rejects listeners and clusters that set tls_params',
    'MeshTLS: mode Permissive not applied: a proxyless gRPC server cannot accept plaintext beside mTLS on one port; it stays Strict',
  ]);
  assert.deepEqual(
    config.resources.map((r) => r.any.value),
    inboundSideConfig('grpc', [], { mtls: 'STRICT' }).resources.map((r) => r.any.value),
  );
});

const GOLDEN: Record<string, () => string> = {
  'envoy-permissive-with-versions': () =>
    goldenText(
      inboundSideConfig(
        'envoy',
        [
          mtls(
            'mesh-tls',
            rules({
              mode: 'Permissive',
              tlsVersion: { min: 'TLS12', max: 'TLS13' },
              tlsCiphers: ['ECDHE-ECDSA-AES128-GCM-SHA256'],
            }),
          ),
        ],
        {
          mtls: 'STRICT',
        },
      ),
      inboundSideGolden,
    ),
};

for (const [name, text] of Object.entries(GOLDEN)) {
  test(`${name} equals its golden file`, () => expectGolden(join(testdata, `${name}.golden.json`), text()));
}
