/**
 * Bootstrap documents against golden files, plus the checks that matter to
 * their readers: Envoy's YAML parses back to the same message and passes the
 * protoc-gen-validate rules, and grpc-js-xds accepts the gRPC bootstrap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { equals, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { anyUnpack, type Any } from '@bufbuild/protobuf/wkt';
import { SubjectAltNameMatcher_SanType } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js';
import { UpstreamTlsContextSchema } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { validateBootstrapConfig } from '@grpc/grpc-js-xds/build/src/xds-bootstrap.js';
import { parse } from 'yaml';
import { BootstrapSchema } from '../envoy/gen/envoy/config/bootstrap/v3/bootstrap_pb.js';
import { validateMessage } from '../validate/index.js';
import { expectGolden, srcPath } from '../generate/testing/golden.js';
import {
  bootstrapTypesRegistry,
  envoyBootstrap,
  envoyBootstrapYaml,
  grpcBootstrap,
  grpcBootstrapJson,
  nodeIdOf,
  type EnvoyBootstrapOptions,
} from './index.js';

const testdata = srcPath('src/xds/bootstrap/testdata');

/** A real CA certificate (its key thrown away): the bootstrap only carries the bytes, but Envoy parses them (test/envoy/golden-validate.test.ts). */
const TEST_CA_PEM = readFileSync(join(testdata, 'ads-ca.crt'), 'utf8');

const envoyCases: Record<string, EnvoyBootstrapOptions> = {
  'envoy-bootstrap': {
    nodeId: nodeIdOf('default', 'web-1'),
    cluster: 'web',
    xdsAddress: '10.0.0.100',
    xdsPort: 5678,
    adminPort: 9901,
  },
  'envoy-bootstrap-dns-delta': {
    nodeId: nodeIdOf('payments', 'checkout-1'),
    cluster: 'checkout',
    xdsAddress: 'koguma-cp.internal',
    xdsPort: 5678,
    adminPort: 9902,
    delta: true,
    locality: { zone: 'east' },
    metadata: { 'dataplane.admin.port': '9902' },
    initialMetadata: { 'x-koguma-node': 'payments.checkout-1' },
  },
  'envoy-bootstrap-tls-ip': {
    nodeId: nodeIdOf('default', 'web-1'),
    cluster: 'web',
    xdsAddress: '10.0.0.100',
    xdsPort: 5678,
    adminPort: 9901,
    adsTls: { caPem: TEST_CA_PEM },
  },
  'envoy-bootstrap-tls-dns': {
    nodeId: nodeIdOf('default', 'web-1'),
    cluster: 'web',
    xdsAddress: 'koguma-cp.internal',
    xdsPort: 5678,
    adminPort: 9901,
    adsTls: { caPem: TEST_CA_PEM },
  },
};

for (const [name, options] of Object.entries(envoyCases)) {
  test(`Envoy bootstrap ${name} equals its golden file and parses back`, () => {
    const bootstrap = envoyBootstrap(options);
    const yaml = envoyBootstrapYaml(bootstrap);
    expectGolden(join(testdata, `${name}.golden.yaml`), yaml);
    const parsed = fromJson(BootstrapSchema, parse(yaml) as JsonValue, { registry: bootstrapTypesRegistry });
    assert.ok(equals(BootstrapSchema, parsed, bootstrap, { registry: bootstrapTypesRegistry, unpackAny: true }));
  });

  test(`Envoy bootstrap ${name} passes Envoy's validation rules`, () => {
    assert.deepEqual(validateMessage(BootstrapSchema, envoyBootstrap(options)), []);
  });
}

test('the Envoy bootstrap names the node <mesh>.<name> and fetches listeners and clusters over ADS', () => {
  const bootstrap = envoyBootstrap(envoyCases['envoy-bootstrap']!);
  assert.equal(bootstrap.node?.id, 'default.web-1');
  assert.equal(bootstrap.dynamicResources?.ldsConfig?.configSourceSpecifier.case, 'ads');
  assert.equal(bootstrap.dynamicResources?.cdsConfig?.configSourceSpecifier.case, 'ads');
  assert.deepEqual(
    bootstrap.staticResources?.clusters.map((c) => c.name),
    ['ads_cluster'],
  );
});

test('over TLS, the ADS cluster trusts the given CA, offers ALPN h2, and checks the DP server certificate names the address it dials', () => {
  const tlsOf = (name: string) => {
    const cluster = envoyBootstrap(envoyCases[name]!).staticResources?.clusters[0];
    assert.equal(cluster?.transportSocket?.name, 'envoy.transport_sockets.tls');
    const context = anyUnpack(cluster!.transportSocket!.configType.value as Any, UpstreamTlsContextSchema)!;
    const validation = context.commonTlsContext?.validationContextType;
    assert.equal(validation?.case, 'validationContext');
    assert.equal(new TextDecoder().decode(validation.value.trustedCa?.specifier.value as Uint8Array), TEST_CA_PEM);
    return { context, san: validation.value.matchTypedSubjectAltNames[0] };
  };
  const dns = tlsOf('envoy-bootstrap-tls-dns');
  assert.equal(dns.context.sni, 'koguma-cp.internal');
  assert.deepEqual(dns.context.commonTlsContext?.alpnProtocols, ['h2']);
  assert.equal(dns.san?.sanType, SubjectAltNameMatcher_SanType.DNS);
  assert.deepEqual(dns.san?.matcher?.matchPattern, { case: 'exact', value: 'koguma-cp.internal' });
  const ip = tlsOf('envoy-bootstrap-tls-ip');
  assert.equal(ip.context.sni, '', 'no SNI for an IP address (RFC 6066 §3)');
  assert.equal(ip.san?.sanType, SubjectAltNameMatcher_SanType.IP_ADDRESS);
  assert.deepEqual(ip.san?.matcher?.matchPattern, { case: 'exact', value: '10.0.0.100' });
  assert.equal(
    envoyBootstrap(envoyCases['envoy-bootstrap']!).staticResources?.clusters[0]?.transportSocket,
    undefined,
    'plaintext without adsTls',
  );
});

test('the gRPC bootstrap equals its golden file and grpc-js-xds accepts it', () => {
  const bootstrap = grpcBootstrap({
    nodeId: nodeIdOf('default', 'frontend-1'),
    serverUri: '127.0.0.1:5678',
    cluster: 'frontend',
    locality: { zone: 'east' },
  });
  expectGolden(join(testdata, 'grpc-bootstrap.golden.json'), grpcBootstrapJson(bootstrap));
  const info = validateBootstrapConfig(JSON.parse(grpcBootstrapJson(bootstrap)));
  assert.equal(info.node.id, 'default.frontend-1');
  assert.equal(info.serverListenerResourceNameTemplate, 'grpc/server?xds.resource.listening_address=%s');
  assert.deepEqual(
    info.xdsServers.map((s) => s.server_uri),
    ['127.0.0.1:5678'],
  );
});

test('grpc-js-xds accepts a gRPC bootstrap without a locality: an empty one is written', () => {
  const bootstrap = grpcBootstrap({ nodeId: 'default.a', serverUri: '127.0.0.1:5678' });
  assert.deepEqual(bootstrap.node.locality, {});
  assert.doesNotThrow(() => validateBootstrapConfig(JSON.parse(grpcBootstrapJson(bootstrap))));
});
