import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataplaneSpec } from '../api/index.js';
import { dataplaneModel } from './dataplane-model.js';
import { MeshView } from './mesh-view.js';
import { resolveTo, serviceDestination } from '../policies/core/to-rules.js';

type Inbound = NonNullable<DataplaneSpec['networking']['inbound']>[number];

function dp(name: string, address: string, inbounds: Partial<Inbound>[], outbounds: string[] = []) {
  const spec: DataplaneSpec = {
    networking: {
      address,
      inbound: inbounds.map(
        (ib, i) => ({ port: 8000 + i, tags: { 'kuma.io/service': name.replace(/-\d+$/, '') }, ...ib }) as Inbound,
      ),
      outbound: outbounds.map((service, i) => ({ port: 10000 + i, tags: { 'kuma.io/service': service } })),
    },
  };
  return dataplaneModel('default', name, spec);
}

function meshOf(...models: ReturnType<typeof dp>[]): MeshView {
  const view = new MeshView('default');
  for (const model of models) view.upsert(model);
  return view;
}

test('a proxy context lists each outbound destination with the Ready endpoints of its service, sorted', () => {
  const view = meshOf(
    dp('web-1', '10.0.0.1', [{}], ['backend']),
    dp('backend-2', '10.0.0.3', [
      { tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'grpc', 'kuma.io/zone': 'east' } },
    ]),
    dp('backend-1', '10.0.0.2', [{ tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'grpc' } }]),
    dp('backend-3', '10.0.0.4', [
      { tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'grpc' }, state: 'NotReady' },
    ]),
  );
  const ctx = view.context('web-1', 'envoy')!;
  assert.equal(ctx.mesh, 'default');
  assert.deepEqual(ctx.outbounds, [{ address: '127.0.0.1', port: 10000, service: 'backend' }]);
  const backend = ctx.destinations.get('backend')!;
  assert.equal(backend.protocol, 'grpc');
  assert.deepEqual(
    backend.endpoints.map((e) => [e.address, e.port, e.zone]),
    [
      ['10.0.0.2', 8000, ''],
      ['10.0.0.3', 8000, 'east'],
    ],
  );
});

test('inbound defaults: servicePort is the port, protocol tcp, workload on 127.0.0.1; Ignored inbounds are left out', () => {
  const view = meshOf(
    dp('web-1', '10.0.0.1', [{ port: 9000 }, { port: 9001, state: 'Ignored', tags: { 'kuma.io/service': 'side' } }]),
  );
  const ctx = view.context('web-1', 'grpc')!;
  assert.equal(ctx.flavour, 'grpc');
  assert.deepEqual(ctx.inbounds, [
    {
      address: '10.0.0.1',
      port: 9000,
      serviceAddress: '127.0.0.1',
      servicePort: 9000,
      service: 'web',
      protocol: 'tcp',
      tags: { 'kuma.io/service': 'web' },
    },
  ]);
});

test('destinations whose endpoints disagree on protocol fall back to tcp', () => {
  const view = meshOf(
    dp('web-1', '10.0.0.1', [{}], ['backend']),
    dp('backend-1', '10.0.0.2', [{ tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'http' } }]),
    dp('backend-2', '10.0.0.3', [{ tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'grpc' } }]),
  );
  assert.equal(view.context('web-1', 'envoy')!.destinations.get('backend')!.protocol, 'tcp');
});

test('a new endpoint of one service affects that dataplane and the consumers of that service only', () => {
  const view = meshOf(
    dp('web-1', '10.0.0.1', [{}], ['backend']),
    dp('web-2', '10.0.0.2', [{}], ['backend']),
    dp('admin-1', '10.0.0.3', [{}], ['billing']),
    dp('backend-1', '10.0.0.4', [{}]),
  );
  const affected = view.upsert(dp('backend-2', '10.0.0.5', [{}]));
  assert.deepEqual([...affected].sort(), ['backend-2', 'web-1', 'web-2']);
  assert.equal(view.context('web-1', 'envoy')!.destinations.get('backend')!.endpoints.length, 2);
});

test('re-applying an unchanged dataplane affects only itself', () => {
  const view = meshOf(dp('web-1', '10.0.0.1', [{}], ['backend']), dp('backend-1', '10.0.0.4', [{}]));
  assert.deepEqual([...view.upsert(dp('backend-1', '10.0.0.4', [{}]))], ['backend-1']);
});

test('a dataplane that changes only its outbounds affects only itself, and its new destination resolves', () => {
  const view = meshOf(
    dp('web-1', '10.0.0.1', [{}], ['backend']),
    dp('billing-1', '10.0.0.4', [{}]),
    dp('backend-1', '10.0.0.5', [{}]),
  );
  assert.deepEqual([...view.upsert(dp('web-1', '10.0.0.1', [{}], ['billing']))], ['web-1']);
  assert.deepEqual([...view.context('web-1', 'envoy')!.destinations.keys()], ['billing']);
  assert.deepEqual(
    [...view.upsert(dp('backend-1', '10.0.0.6', [{}]))],
    ['backend-1'],
    'web-1 no longer consumes backend',
  );
});

test('removing a dataplane affects the consumers of its services; a NotReady flip does too', () => {
  const view = meshOf(dp('web-1', '10.0.0.1', [{}], ['backend']), dp('backend-1', '10.0.0.4', [{}]));
  assert.deepEqual([...view.upsert(dp('backend-1', '10.0.0.4', [{ state: 'NotReady' }]))].sort(), [
    'backend-1',
    'web-1',
  ]);
  assert.equal(view.context('web-1', 'envoy')!.destinations.get('backend')!.endpoints.length, 0);
  view.upsert(dp('backend-1', '10.0.0.4', [{}]));
  assert.deepEqual([...view.remove('backend-1')].sort(), ['backend-1', 'web-1']);
  assert.deepEqual(view.context('web-1', 'envoy')!.destinations.get('backend')!.endpoints, []);
  assert.equal(view.context('backend-1', 'envoy'), undefined);
});

test('a destination is the same object until its endpoints change, so its resources can be built once', () => {
  const view = meshOf(
    dp('web-1', '10.0.0.1', [{}], ['backend']),
    dp('web-2', '10.0.0.2', [{}], ['backend']),
    dp('backend-1', '10.0.0.4', [{}]),
  );
  const first = view.context('web-1', 'envoy')!.destinations.get('backend');
  assert.equal(view.context('web-2', 'envoy')!.destinations.get('backend'), first);
  view.upsert(dp('backend-2', '10.0.0.5', [{}]));
  assert.notEqual(view.context('web-1', 'envoy')!.destinations.get('backend'), first);
});

test('the address other proxies use is advertisedAddress when set', () => {
  const view = new MeshView('default');
  view.upsert(dp('web-1', '10.0.0.1', [{}], ['backend']));
  view.upsert(
    dataplaneModel('default', 'backend-1', {
      networking: {
        address: '192.168.0.5',
        advertisedAddress: '203.0.113.7',
        inbound: [{ port: 7000, tags: { 'kuma.io/service': 'backend' } }],
      },
    }),
  );
  assert.deepEqual(
    view
      .context('web-1', 'envoy')!
      .destinations.get('backend')!
      .endpoints.map((e) => `${e.address}:${e.port}`),
    ['203.0.113.7:7000'],
  );
});

test('a MeshTrafficPermission reaches the context as a matched policy; the inbound objects stay the same', () => {
  const view = meshOf(dp('backend-1', '10.0.0.4', [{ tags: { 'kuma.io/service': 'backend' } }]));
  const before = view.context('backend-1', 'envoy')!.inbounds[0]!;
  assert.equal(view.context('backend-1', 'envoy')!.inbounds[0], before, 'unchanged dataplane: the same object');

  view.upsertPolicy({
    kind: 'MeshTrafficPermission',
    mesh: 'default',
    name: 'allow-frontend',
    labels: {},
    version: 1,
    creationTime: new Date(0),
    modificationTime: new Date(0),
    spec: {
      targetRef: { kind: 'MeshService', name: 'backend' },
      from: [{ targetRef: { kind: 'MeshService', name: 'frontend' }, default: { action: 'Allow' } }],
    },
  } as never);
  const after = view.context('backend-1', 'envoy')!;
  assert.equal(
    after.inbounds[0],
    before,
    'a policy change leaves the inbounds, and what generators built from them, alone',
  );
  assert.deepEqual(
    after.policies?.get('MeshTrafficPermission')?.map((match) => [match.policy.name, match.inbounds]),
    [['allow-frontend', [0]]],
  );
  view.removePolicy('MeshTrafficPermission', 'allow-frontend');
  assert.equal(view.context('backend-1', 'envoy')!.policies?.get('MeshTrafficPermission'), undefined);
});

const stored = (kind: string, name: string, spec: Record<string, unknown>) =>
  ({
    kind,
    mesh: 'default',
    name,
    labels: {},
    version: 1,
    creationTime: new Date(0),
    modificationTime: new Date(0),
    spec,
  }) as never;

test('a policy targeting a MeshHTTPRoute follows the proxies that route selects, as the route changes', () => {
  const view = meshOf(
    dp('web-1', '10.0.0.1', [{}], ['backend']),
    dp('admin-1', '10.0.0.2', [{}], ['backend']),
    dp('backend-1', '10.0.0.3', [{}]),
  );
  const routeFrom = (client: string) =>
    stored('MeshHTTPRoute', 'slow-path', {
      targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/service': client } },
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'backend' },
          rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/slow' } }], default: {} }],
        },
      ],
    });
  const timeout = stored('MeshTimeout', 'slow-requests', {
    targetRef: { kind: 'MeshHTTPRoute', name: 'slow-path' },
    to: [{ targetRef: { kind: 'Mesh' }, default: { http: { requestTimeout: '1m' } } }],
  });
  const timeoutsOf = (name: string) => view.context(name, 'envoy')!.policies?.get('MeshTimeout') ?? [];

  assert.deepEqual([...view.upsertPolicy(timeout)], [], 'no route by that name selects anyone yet');
  assert.deepEqual([...view.upsertPolicy(routeFrom('web'))].sort(), ['web-1']);
  assert.deepEqual(
    timeoutsOf('web-1').map((m) => [m.policy.name, m.routes]),
    [['slow-requests', ['slow-path']]],
  );
  assert.deepEqual(timeoutsOf('admin-1'), []);

  assert.deepEqual(
    [...view.upsertPolicy(routeFrom('admin'))].sort(),
    ['admin-1', 'web-1'],
    'the route moves: both proxies rebuild',
  );
  assert.deepEqual(timeoutsOf('web-1'), [], 'the timeout left with the route');
  assert.deepEqual(
    timeoutsOf('admin-1').map((m) => m.policy.name),
    ['slow-requests'],
  );
  assert.deepEqual(
    [...view.upsertPolicy({ ...(timeout as object), version: 2 } as never)],
    ['admin-1'],
    "a change to the timeout rebuilds the route's proxies only",
  );
});

test('a destination exposes the port section its endpoints share, so to[] entries with a sectionName cover it', () => {
  const view = meshOf(
    dp('web-1', '10.0.0.1', [{}], ['backend', 'db']),
    dp('backend-1', '10.0.0.2', [{ name: 'http', port: 8080 }]),
    dp('backend-2', '10.0.0.3', [{ name: 'http', port: 8080 }]),
    dp('db-1', '10.0.0.4', [{ port: 5432 }]),
    dp('db-2', '10.0.0.5', [{ port: 5433 }]),
  );
  assert.deepEqual(view.destination('backend').section, { name: 'http', port: 8080 });
  assert.equal(view.destination('db').section, undefined, 'endpoints on different ports share no section');

  view.upsertPolicy(
    stored('MeshTimeout', 'backend-http', {
      to: [
        { targetRef: { kind: 'MeshService', name: 'backend', sectionName: 'http' }, default: { idleTimeout: '1m' } },
        { targetRef: { kind: 'MeshService', name: 'db', sectionName: '5432' }, default: { idleTimeout: '2m' } },
      ],
    }),
  );
  const ctx = view.context('web-1', 'envoy')!;
  const matched = ctx.policies!.get('MeshTimeout')!;
  assert.deepEqual(resolveTo(matched, serviceDestination(ctx, 'backend')).conf, { idleTimeout: '1m' });
  assert.equal(
    resolveTo(matched, serviceDestination(ctx, 'db')).conf,
    undefined,
    "a section only some endpoints serve is not the destination's",
  );
});

test('MeshService labels let policies name a service by labels, as a destination and as what a proxy implements', () => {
  const view = meshOf(
    dp('web-1', '10.0.0.1', [{}], ['backend']),
    dp('backend-1', '10.0.0.2', [{}]),
    dp('other-1', '10.0.0.3', [{}]),
  );
  const goldTimeout = stored('MeshTimeout', 'gold', {
    to: [{ targetRef: { kind: 'MeshService', labels: { tier: 'gold' } }, default: { idleTimeout: '1m' } }],
  });
  const goldRetry = stored('MeshRetry', 'gold-servers', {
    targetRef: { kind: 'MeshService', labels: { tier: 'gold' } },
    to: [{ targetRef: { kind: 'Mesh' }, default: { tcp: { maxConnectAttempt: 2 } } }],
  });
  view.upsertPolicy(goldTimeout);
  view.upsertPolicy(goldRetry);
  const outboundConf = () => {
    const ctx = view.context('web-1', 'envoy')!;
    return resolveTo(ctx.policies?.get('MeshTimeout') ?? [], serviceDestination(ctx, 'backend')).conf;
  };
  const retriesOn = (name: string) =>
    (view.context(name, 'envoy')!.policies?.get('MeshRetry') ?? []).map((m) => m.policy.name);
  assert.equal(outboundConf(), undefined, 'no MeshService carries the labels yet');
  assert.deepEqual(retriesOn('backend-1'), []);

  assert.deepEqual(
    [...view.upsertMeshService('backend', { tier: 'gold' })].sort(),
    ['backend-1', 'web-1'],
    'its callers and its implementers rebuild',
  );
  assert.deepEqual(outboundConf(), { idleTimeout: '1m' });
  assert.deepEqual(retriesOn('backend-1'), ['gold-servers']);
  assert.deepEqual(retriesOn('other-1'), []);
  assert.deepEqual(
    [...view.upsertMeshService('backend', { tier: 'gold' })],
    [],
    'the same labels again change nothing',
  );

  view.upsertMeshService('backend', undefined);
  assert.equal(outboundConf(), undefined, 'removed with the MeshService');
  assert.deepEqual(retriesOn('backend-1'), []);
});

test("a change to a policy targeting a MeshHTTPRoute rebuilds only the proxies that call the route's destinations", () => {
  const view = meshOf(
    dp('web-1', '10.0.0.1', [{}], ['backend']),
    dp('batch-1', '10.0.0.2', [{}], ['db']),
    dp('backend-1', '10.0.0.3', [{}]),
  );
  view.upsertPolicy(
    stored('MeshHTTPRoute', 'slow-path', {
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'backend' },
          rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/slow' } }], default: {} }],
        },
      ],
    }),
  );
  const timeout = (requestTimeout: string) =>
    stored('MeshTimeout', 'slow-requests', {
      targetRef: { kind: 'MeshHTTPRoute', name: 'slow-path' },
      to: [{ targetRef: { kind: 'Mesh' }, default: { http: { requestTimeout } } }],
    });
  assert.deepEqual(
    [...view.upsertPolicy(timeout('1m'))],
    ['web-1'],
    'the route selects every proxy, but only web-1 calls backend',
  );
  assert.deepEqual([...view.upsertPolicy(timeout('2m'))], ['web-1']);
  assert.deepEqual(
    view
      .context('batch-1', 'envoy')!
      .policies?.get('MeshTimeout')
      ?.map((m) => m.policy.name),
    ['slow-requests'],
    'it still selects batch-1, which has no route to time',
  );
});

test('a policy targeting a MeshGateway selects the builtin gateways that MeshGateway serves, as it changes', () => {
  const gateway = (name: string, type: 'BUILTIN' | 'DELEGATED') =>
    dataplaneModel('default', name, {
      networking: { address: '10.0.0.9', gateway: { type, tags: { 'kuma.io/service': 'edge' } } },
    });
  const view = meshOf(gateway('edge-1', 'BUILTIN'), gateway('edge-2', 'DELEGATED'), dp('web-1', '10.0.0.1', [{}]));
  const timeout = stored('MeshTimeout', 'on-gateway', {
    targetRef: { kind: 'MeshGateway', name: 'public' },
    to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '20s' } }],
  });
  assert.deepEqual([...view.upsertPolicy(timeout)], [], 'no MeshGateway serves a gateway yet');
  const matched = (name: string) =>
    view
      .context(name, 'envoy')!
      .policies?.get('MeshTimeout')
      ?.map((m) => m.policy.name);

  const listeners = { listeners: [{ port: 8080, protocol: 'HTTP' }] };
  const publicGateway = stored('MeshGateway', 'public', {
    selectors: [{ match: { 'kuma.io/service': 'edge' } }],
    conf: listeners,
  });
  assert.deepEqual(
    [...view.upsertMeshGateway('public', publicGateway)],
    ['edge-1'],
    'only builtin gateways are affected',
  );
  assert.deepEqual(matched('edge-1'), ['on-gateway']);
  assert.equal(matched('edge-2'), undefined, 'a delegated gateway is not served by a MeshGateway');
  assert.equal(matched('web-1'), undefined);
  assert.deepEqual(
    view
      .gatewayContext('public', 'envoy')
      ?.policies?.get('MeshTimeout')
      ?.map((m) => m.policy.name),
    ['on-gateway'],
    "the MeshGateway's own rules see the same policies",
  );
  assert.equal(view.gatewayContext('private', 'envoy'), undefined);

  assert.deepEqual([...view.upsertMeshGateway('public', undefined)], ['edge-1']);
  assert.equal(matched('edge-1'), undefined, 'with its MeshGateway gone, the policy no longer selects it');
  assert.deepEqual([...view.upsertMeshGateway('public', undefined)], [], 'removing it twice changes nothing');
});
