import { test } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { ClusterSchema, type Cluster } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { destinationsOf } from './destinations.js';
import { generateEnvoyResources, generateGrpcResources } from './index.js';
import { destinationClusters, inboundListeners, localClusters, outboundListeners } from './by-origin.js';
import type { DestinationOrigin } from './origins.js';
import type { ProxyContext } from './proxy-context.js';
import { ProxyResources } from './resources.js';
import { caseNames, readCase } from './testing/cases.js';

const generate = (ctx: ProxyContext): ProxyResources =>
  ctx.flavour === 'grpc' ? generateGrpcResources(ctx) : generateEnvoyResources(ctx);

const boundTo = (listener: Listener): string => {
  const address = listener.address?.address;
  return address?.case === 'socketAddress' ? `${address.value.address}:${address.value.portSpecifier.value}` : '';
};

test('every generated listener names the inbound or outbound of the context it serves', () => {
  for (const name of caseNames()) {
    const ctx = readCase(name);
    for (const { message, origin } of generate(ctx).entries('listeners')) {
      if (origin.kind === 'inbound') {
        assert.equal(ctx.inbounds[origin.position], origin.inbound, `${name}: the position is the inbound's index`);
        assert.equal(boundTo(message), `${origin.inbound.address}:${origin.inbound.port}`, name);
      } else if (origin.kind === 'outbound') {
        assert.ok(ctx.outbounds.includes(origin.outbound), name);
        assert.equal(boundTo(message), `${origin.outbound.address}:${origin.outbound.port}`, name);
      } else {
        assert.equal(origin.kind, 'client', name);
        assert.equal(ctx.flavour, 'grpc', name);
        assert.ok(
          ctx.outbounds.some((o) => o.service === origin.service),
          name,
        );
      }
    }
    const listeners = generate(ctx).listeners.length;
    assert.equal(inboundListeners(generate(ctx)).length, ctx.inbounds.length, name);
    if (ctx.flavour === 'envoy')
      assert.equal(outboundListeners(generate(ctx)).length + ctx.inbounds.length, listeners, name);
  }
});

test('a local cluster names every inbound it serves; a destination cluster and its assignment share one origin', () => {
  for (const name of caseNames()) {
    const ctx = readCase(name);
    const resources = generate(ctx);
    for (const { inbounds } of localClusters(resources)) {
      const port = inbounds[0]!.inbound.servicePort;
      assert.deepEqual(
        inbounds.map((i) => i.position).sort((a, b) => a - b),
        ctx.inbounds.flatMap((inbound, i) => (inbound.servicePort === port ? [i] : [])),
        name,
      );
    }
    assert.deepEqual(
      destinationClusters(resources).map((c) => c.service),
      destinationsOf(ctx).map((d) => d.service),
      name,
    );
    const assignments = new Set(resources.entries('loadAssignments').map((a) => a.origin));
    for (const { origin } of resources.entries('clusters'))
      if (origin.kind === 'destination') assert.ok(assignments.has(origin), name);
    const secrets = resources.entries('secrets').map(({ origin }) => `${origin.kind} ${origin.mesh}`);
    assert.deepEqual(
      secrets,
      ctx.tls ? [...(ctx.identity ? [`identity ${ctx.tls.mesh}`] : []), `trust ${ctx.tls.mesh}`] : [],
      name,
    );
  }
});

const cluster = (name: string): Cluster => create(ClusterSchema, { name });
const backend: DestinationOrigin = { kind: 'destination', service: 'backend' };
const db: DestinationOrigin = { kind: 'destination', service: 'db' };

test('ProxyResources.map: an edited copy keeps the origin of the message it replaces; no edit, the same object', () => {
  const resources = new ProxyResources({
    clusters: [
      { message: cluster('db'), origin: db },
      { message: cluster('backend'), origin: backend },
    ],
  });
  assert.deepEqual(
    resources.clusters.map((c) => c.name),
    ['backend', 'db'],
    'sorted by name',
  );
  assert.equal(
    resources.map('clusters', (c) => c),
    resources,
  );
  const edited = resources.map('clusters', (c, origin) =>
    origin === db ? create(ClusterSchema, { name: 'db', altStatName: 'edited' }) : c,
  );
  assert.deepEqual(
    edited.entries('clusters').map(({ message, origin }) => [message.altStatName, origin]),
    [
      ['', backend],
      ['edited', db],
    ],
  );
  const renamed = resources.map('clusters', (c, origin) => (origin === backend ? cluster('zebra') : c));
  assert.deepEqual(
    renamed.entries('clusters').map(({ message, origin }) => [message.name, origin]),
    [
      ['db', db],
      ['zebra', backend],
    ],
    'still sorted',
  );
});

test('ProxyResources.add: new resources with their origins; a name already there keeps its resource', () => {
  const resources = new ProxyResources({ clusters: [{ message: cluster('backend'), origin: backend }] });
  const subset = { kind: 'subset', service: 'backend', tags: { version: 'v1' } } as const;
  const added = resources.add('clusters', [
    { message: cluster('backend_version_v1'), origin: subset },
    { message: cluster('backend'), origin: db },
  ]);
  assert.deepEqual(
    added.entries('clusters').map(({ message, origin }) => [message.name, origin]),
    [
      ['backend', backend],
      ['backend_version_v1', subset],
    ],
  );
  assert.equal(resources.clusters.length, 1, 'the original is left as it was');
});
