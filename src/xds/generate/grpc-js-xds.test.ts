/**
 * The proxyless flavour judged by an independent implementation: every
 * resource of every `grpc` test case is decoded and validated by
 * grpc-js-xds's own resource types, with a context built from our gRPC
 * bootstrap, exactly as its XdsClient does when a response arrives.
 */
import { grpcBootstrapForTests as bootstrap, grpcDecoded as decode } from './testing/grpc-decode.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTemplateString } from '@grpc/grpc-js-xds/build/src/xds-bootstrap.js';
import { TypeUrl } from '../resource-types.js';
import type { EncodedResource } from '../snapshot.js';
import { generateProxyResources } from '../build/testing.js';
import { hostPort } from './index.js';
import { caseNames, readCase } from './testing/cases.js';

const grpcCases = caseNames().filter((name) => readCase(name).flavour === 'grpc');

/** What a gRPC application subscribes to: everything but the SDS Secrets, which `koguma dp run` fetches and writes to files. */
const appResources = (resources: EncodedResource[]): EncodedResource[] =>
  resources.filter((r) => r.typeUrl !== TypeUrl.Secret);

test('there are grpc-flavour cases', () => {
  assert.ok(grpcCases.length >= 2);
});

for (const name of grpcCases) {
  test(`grpc-js-xds accepts every resource of ${name}`, () => {
    for (const resource of appResources(generateProxyResources(readCase(name)))) decode(resource);
  });
}

test('every locality gRPC sees carries a load_balancing_weight, so none is dropped', () => {
  for (const name of grpcCases) {
    for (const resource of generateProxyResources(readCase(name)).filter(
      (r) => r.typeUrl === TypeUrl.ClusterLoadAssignment,
    )) {
      for (const locality of decode(resource).endpoints) {
        assert.ok(locality.locality, `${resource.name}: locality unset`);
        assert.ok(locality.load_balancing_weight?.value > 0, `${resource.name}: locality without weight`);
      }
    }
  }
});

test('a gRPC server finds its listener by the bootstrap template and its bound address', () => {
  const ctx = readCase('grpc-server-one-inbound');
  const resources = generateProxyResources(ctx);
  for (const inbound of ctx.inbounds) {
    const wanted = formatTemplateString(
      bootstrap.serverListenerResourceNameTemplate!,
      hostPort(inbound.address, inbound.port),
    );
    const listener = resources.find((r) => r.typeUrl === TypeUrl.Listener && r.name === wanted);
    assert.ok(listener, `no listener named ${wanted}`);
    const value = decode(listener);
    assert.deepEqual(
      { address: value.address.socket_address.address, port: value.address.socket_address.port_value },
      { address: inbound.address, port: inbound.port },
    );
  }
});

test('a gRPC client dialing xds:///<service> finds a listener named by the service', () => {
  const ctx = readCase('grpc-client-two-destinations');
  const names = generateProxyResources(ctx)
    .filter((r) => r.typeUrl === TypeUrl.Listener)
    .map((r) => r.name);
  assert.deepEqual(names, [...new Set(ctx.outbounds.map((o) => o.service))].sort());
});

test('with mesh mTLS, grpc-js-xds reads a server listener requiring client certificates and clusters verifying the exact service identity', () => {
  const [server] = generateProxyResources(readCase('mtls-grpc-server')).filter((r) => r.typeUrl === TypeUrl.Listener);
  const listener = decode(server!);
  const tls = listener['filter_chains'][0]['transport_socket'];
  assert.equal(tls['name'], 'envoy.transport_sockets.tls');
  const clusters = generateProxyResources(readCase('mtls-grpc-client')).filter((r) => r.typeUrl === TypeUrl.Cluster);
  assert.ok(clusters.length >= 2);
  for (const resource of clusters) {
    const cluster = decode(resource);
    assert.deepEqual(cluster['securityUpdate'], {
      caCertificateProviderInstance: 'koguma',
      identityCertificateProviderInstance: 'koguma',
      subjectAltNameMatchers: [
        { exact: `spiffe://default/${resource.name}`, ignore_case: false, match_pattern: 'exact' },
      ],
    });
  }
});
