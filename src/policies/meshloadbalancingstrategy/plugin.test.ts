import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TypeUrl } from '../../xds/resource-types.js';
import type { ProxyContext } from '../../xds/generate/proxy-context.js';
import {
  checkedConfig,
  expectGolden,
  goldenText,
  grpcDecoded,
  resourceOf,
  srcPath,
  storedPolicy,
  twoZoneProxy,
} from '../core/testkit/index.js';

const testdata = srcPath('src/policies/meshloadbalancingstrategy/testdata');
const toBackend = (conf: unknown) =>
  storedPolicy('MeshLoadBalancingStrategy', 'backend-lb', {
    targetRef: { kind: 'Mesh' },
    to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, default: conf }],
  });
const cluster = (ctx: ProxyContext, name = 'backend') => resourceOf(checkedConfig(ctx), TypeUrl.Cluster, name);
const routeActions = (ctx: ProxyContext) =>
  resourceOf(checkedConfig(ctx), TypeUrl.RouteConfiguration, 'outbound:backend')['virtualHosts'].flatMap((h: any) =>
    h.routes.map((r: any) => r.route),
  );
/** Zone and priority of each locality, in order. */
const priorities = (ctx: ProxyContext): [string, number][] =>
  resourceOf(checkedConfig(ctx), TypeUrl.ClusterLoadAssignment, 'backend')['endpoints'].map((e: any) => [
    e.locality.zone,
    e.priority ?? 0,
  ]);

const lbCases: { type: string; loadBalancer: unknown; lbPolicy: string | undefined; config?: [string, unknown] }[] = [
  { type: 'RoundRobin', loadBalancer: { type: 'RoundRobin' }, lbPolicy: undefined },
  {
    type: 'LeastRequest',
    loadBalancer: { type: 'LeastRequest', leastRequest: { choiceCount: 3, activeRequestBias: '1.5' } },
    lbPolicy: 'LEAST_REQUEST',
    config: [
      'leastRequestLbConfig',
      { choiceCount: 3, activeRequestBias: { defaultValue: 1.5, runtimeKey: 'koguma.lb.backend.active_request_bias' } },
    ],
  },
  {
    type: 'RingHash',
    loadBalancer: { type: 'RingHash', ringHash: { hashFunction: 'MurmurHash2', minRingSize: 64, maxRingSize: 1024 } },
    lbPolicy: 'RING_HASH',
    config: ['ringHashLbConfig', { minimumRingSize: '64', hashFunction: 'MURMUR_HASH_2', maximumRingSize: '1024' }],
  },
  { type: 'Random', loadBalancer: { type: 'Random' }, lbPolicy: 'RANDOM' },
  {
    type: 'Maglev',
    loadBalancer: { type: 'Maglev', maglev: { tableSize: 251 } },
    lbPolicy: 'MAGLEV',
    config: ['maglevLbConfig', { tableSize: '251' }],
  },
];

for (const c of lbCases) {
  test(`Envoy: loadBalancer ${c.type} sets the cluster's lb_policy and config`, () => {
    const backend = cluster(twoZoneProxy('envoy', [toBackend({ loadBalancer: c.loadBalancer })]));
    assert.equal(backend['lbPolicy'], c.lbPolicy, 'ROUND_ROBIN is the default and so absent from JSON');
    if (c.config) assert.deepEqual(backend[c.config[0]], c.config[1]);
    assert.equal(
      cluster(twoZoneProxy('envoy', [toBackend({ loadBalancer: c.loadBalancer })]), 'db')['lbPolicy'],
      undefined,
      'other destinations keep round robin',
    );
  });
}

const hashCases: { name: string; policy: unknown; envoy: unknown }[] = [
  {
    name: 'Header',
    policy: { type: 'Header', header: { name: 'x-user' }, terminal: true },
    envoy: { header: { headerName: 'x-user' }, terminal: true },
  },
  {
    name: 'Cookie',
    policy: { type: 'Cookie', cookie: { name: 'session', ttl: '1h', path: '/' } },
    envoy: { cookie: { name: 'session', ttl: '3600s', path: '/' } },
  },
  {
    name: 'Connection',
    policy: { type: 'Connection', connection: { sourceIP: true } },
    envoy: { connectionProperties: { sourceIp: true } },
  },
  {
    name: 'SourceIP',
    policy: { type: 'SourceIP', connection: {} },
    envoy: { connectionProperties: { sourceIp: true } },
  },
  {
    name: 'QueryParameter',
    policy: { type: 'QueryParameter', queryParameter: { name: 'id' } },
    envoy: { queryParameter: { name: 'id' } },
  },
  {
    name: 'FilterState',
    policy: { type: 'FilterState', filterState: { key: 'k' } },
    envoy: { filterState: { key: 'k' } },
  },
];

for (const c of hashCases) {
  test(`Envoy: a ${c.name} hash policy of a ring hash lands on the destination's routes`, () => {
    const actions = routeActions(
      twoZoneProxy('envoy', [
        toBackend({ loadBalancer: { type: 'RingHash', ringHash: { hashPolicies: [c.policy] } } }),
      ]),
    );
    assert.ok(actions.length > 0);
    for (const action of actions) assert.deepEqual(action.hashPolicy, [c.envoy]);
  });
}

test('Envoy: the conf-level hashPolicies apply to Maglev without its own, and not to round robin', () => {
  const hashPolicies = [{ type: 'Header', header: { name: 'x-a' } }];
  assert.deepEqual(
    routeActions(twoZoneProxy('envoy', [toBackend({ hashPolicies, loadBalancer: { type: 'Maglev' } })]))[0].hashPolicy,
    [{ header: { headerName: 'x-a' } }],
  );
  assert.equal(
    routeActions(twoZoneProxy('envoy', [toBackend({ hashPolicies, loadBalancer: { type: 'RoundRobin' } })]))[0]
      .hashPolicy,
    undefined,
  );
});

const localityCases: { name: string; locality: unknown; expect: [string, number][]; factor?: number }[] = [
  {
    name: 'on by default: the own zone first, the others as failover',
    locality: undefined,
    expect: [
      ['east', 0],
      ['west', 1],
    ],
  },
  {
    name: 'disabled: every zone equal',
    locality: { disabled: true },
    expect: [
      ['east', 0],
      ['west', 0],
    ],
  },
  {
    name: 'crossZone None: no traffic leaves the zone',
    locality: { crossZone: { failover: [{ to: { type: 'None' } }] } },
    expect: [['east', 0]],
  },
  {
    name: 'a failover rule from other zones does not apply',
    locality: { crossZone: { failover: [{ from: { zones: ['north'] }, to: { type: 'Any' } }] } },
    expect: [['east', 0]],
  },
  {
    name: 'Only the listed zones',
    locality: { crossZone: { failover: [{ to: { type: 'Only', zones: ['west'] } }] } },
    expect: [
      ['east', 0],
      ['west', 1],
    ],
  },
  {
    name: 'AnyExcept the listed zones',
    locality: { crossZone: { failover: [{ to: { type: 'AnyExcept', zones: ['west'] } }] } },
    expect: [['east', 0]],
  },
  {
    name: 'a failover threshold sets the overprovisioning factor',
    locality: { crossZone: { failoverThreshold: { percentage: 50 } } },
    expect: [
      ['east', 0],
      ['west', 1],
    ],
    factor: 200,
  },
];

for (const c of localityCases) {
  test(`locality awareness, ${c.name}`, () => {
    const conf = {
      loadBalancer: { type: 'RoundRobin' },
      ...(c.locality !== undefined ? { localityAwareness: c.locality } : {}),
    };
    for (const flavour of ['envoy', 'grpc'] as const) {
      const ctx = twoZoneProxy(flavour, [toBackend(conf)]);
      assert.deepEqual(priorities(ctx), c.expect, flavour);
      if (flavour === 'envoy' && c.factor !== undefined)
        assert.equal(
          resourceOf(checkedConfig(ctx), TypeUrl.ClusterLoadAssignment, 'backend')['policy'].overprovisioningFactor,
          c.factor,
        );
    }
  });
}

test('a proxy in the remote zone prefers its own zone, and renumbers priorities from 0', () => {
  const ctx = twoZoneProxy('envoy', [toBackend({ loadBalancer: { type: 'RoundRobin' } })]);
  const west = {
    ...ctx,
    inbounds: ctx.inbounds.map((inbound) => ({ ...inbound, tags: { ...inbound.tags, 'kuma.io/zone': 'west' } })),
  };
  assert.deepEqual(priorities(west), [
    ['west', 0],
    ['east', 1],
  ]);
  const nowhere = {
    ...ctx,
    inbounds: ctx.inbounds.map((inbound) => ({ ...inbound, tags: { 'kuma.io/service': 'web' } })),
  };
  assert.deepEqual(
    priorities(nowhere),
    [
      ['east', 0],
      ['west', 0],
    ],
    'without a zone of its own a proxy prefers none',
  );
});

test('gRPC: ring hash with a header hash policy is what the client runs', () => {
  const ctx = twoZoneProxy(
    'grpc',
    [
      toBackend({
        loadBalancer: {
          type: 'RingHash',
          ringHash: { minRingSize: 64, hashPolicies: [{ type: 'Header', header: { name: 'x-user' } }] },
        },
      }),
    ],
    'grpc',
  );
  const config = checkedConfig(ctx);
  const decoded = grpcDecoded(config.resources.find((r) => r.typeUrl === TypeUrl.Cluster && r.name === 'backend')!);
  assert.deepEqual(decoded['lbPolicyConfig'], [{ ring_hash: { min_ring_size: 64, max_ring_size: 8388608 } }]);
  const routes = grpcDecoded(
    config.resources.find((r) => r.typeUrl === TypeUrl.RouteConfiguration && r.name === 'outbound:backend')!,
  );
  assert.equal(routes['virtual_hosts'][0].routes[0].route.hash_policy[0].header.header_name, 'x-user');
  assert.deepEqual(config.warnings, []);
});

const grpcWarnings: { name: string; conf: unknown; warning: string; lbPolicy?: string }[] = [
  { name: 'LeastRequest', conf: { loadBalancer: { type: 'LeastRequest' } }, warning: 'loadBalancer.type LeastRequest' },
  { name: 'Maglev', conf: { loadBalancer: { type: 'Maglev' } }, warning: 'loadBalancer.type Maglev' },
  {
    name: 'MurmurHash2',
    conf: { loadBalancer: { type: 'RingHash', ringHash: { hashFunction: 'MurmurHash2' } } },
    warning: 'loadBalancer.ringHash.hashFunction MurmurHash2',
    lbPolicy: 'RING_HASH',
  },
  {
    name: 'a cookie hash',
    conf: {
      loadBalancer: { type: 'RingHash', ringHash: { hashPolicies: [{ type: 'Cookie', cookie: { name: 's' } }] } },
    },
    warning: 'hash policy Cookie',
    lbPolicy: 'RING_HASH',
  },
  {
    name: 'a failover threshold',
    conf: { localityAwareness: { crossZone: { failoverThreshold: { percentage: 10 } } } },
    warning: 'localityAwareness.crossZone.failoverThreshold',
  },
];

for (const c of grpcWarnings) {
  test(`gRPC: ${c.name} is left out with a warning`, () => {
    const config = checkedConfig(twoZoneProxy('grpc', [toBackend(c.conf)], 'grpc'));
    assert.equal(resourceOf(config, TypeUrl.Cluster, 'backend')['lbPolicy'], c.lbPolicy);
    assert.equal(config.warnings.length, 1);
    assert.ok(
      config.warnings[0]!.startsWith(`MeshLoadBalancingStrategy: ${c.warning} not applied: proxyless gRPC supports`),
      config.warnings[0],
    );
  });
}

/** The proxy on node n1, rack r1; backend's east endpoints: 10.0.1.1 on n1 (rack r2), 10.0.1.2 on n2 in rack r1. */
function onNodes(
  ctx: ProxyContext,
  proxyTags: Record<string, string> = { 'k8s.io/node': 'n1', rack: 'r1' },
): ProxyContext {
  const endpointTags: Record<string, Record<string, string>> = {
    '10.0.1.1': { 'k8s.io/node': 'n1', rack: 'r2' },
    '10.0.1.2': { 'k8s.io/node': 'n2', rack: 'r1' },
  };
  const backend = ctx.destinations.get('backend')!;
  const endpoints = backend.endpoints.map((e) => ({ ...e, tags: { ...e.tags, ...endpointTags[e.address] } }));
  return {
    ...ctx,
    inbounds: ctx.inbounds.map((inbound) => ({ ...inbound, tags: { ...inbound.tags, ...proxyTags } })),
    destinations: new Map([...ctx.destinations, ['backend', { ...backend, endpoints }]]),
  };
}
/** Zone/sub-zone, weight, priority and endpoint addresses of each locality. */
const localities = (ctx: ProxyContext) =>
  resourceOf(checkedConfig(ctx), TypeUrl.ClusterLoadAssignment, 'backend')['endpoints'].map((e: any) => [
    `${e.locality.zone}/${e.locality.subZone ?? ''}`,
    e.loadBalancingWeight,
    e.priority ?? 0,
    e.lbEndpoints.map((l: any) => l.endpoint.address.socketAddress.address).join(','),
  ]);
const affinity = (affinityTags: unknown) => toBackend({ localityAwareness: { localZone: { affinityTags } } });

const affinityCases: { name: string; tags: unknown; proxyTags?: Record<string, string>; expect: unknown[] }[] = [
  {
    name: 'one tag: 9 to 1 for the endpoint on the proxy’s node',
    tags: [{ key: 'k8s.io/node' }],
    expect: [
      ['east/affinity-0', 9, 0, '10.0.1.1'],
      ['east/', 1, 0, '10.0.1.2'],
      ['west/', 1, 1, '10.0.2.1'],
    ],
  },
  {
    name: 'two tags: 90, 9 and 1, each endpoint in the group of its first shared tag',
    tags: [{ key: 'k8s.io/node' }, { key: 'rack' }],
    expect: [
      ['east/affinity-0', 90, 0, '10.0.1.1'],
      ['east/affinity-1', 9, 0, '10.0.1.2'],
      ['west/', 1, 1, '10.0.2.1'],
    ],
  },
  {
    name: 'explicit weights',
    tags: [
      { key: 'rack', weight: 50 },
      { key: 'k8s.io/node', weight: 5 },
    ],
    expect: [
      ['east/affinity-0', 50, 0, '10.0.1.2'],
      ['east/affinity-1', 5, 0, '10.0.1.1'],
      ['west/', 1, 1, '10.0.2.1'],
    ],
  },
  {
    name: 'a proxy without the tags: the whole local zone alike',
    tags: [{ key: 'k8s.io/node' }],
    proxyTags: {},
    expect: [
      ['east/', 2, 0, '10.0.1.1,10.0.1.2'],
      ['west/', 1, 1, '10.0.2.1'],
    ],
  },
];

for (const c of affinityCases) {
  test(`affinity tags, ${c.name}`, () => {
    for (const flavour of ['envoy', 'grpc'] as const) {
      const ctx = onNodes(twoZoneProxy(flavour, [affinity(c.tags)]), c.proxyTags);
      assert.deepEqual(localities(ctx), c.expect, flavour);
      const common = resourceOf(checkedConfig(ctx), TypeUrl.Cluster, 'backend')['commonLbConfig'];
      const split = c.expect.length > 2;
      // gRPC always weighs localities; Envoy only when told to.
      assert.deepEqual(common, flavour === 'envoy' && split ? { localityWeightedLbConfig: {} } : undefined, flavour);
      assert.deepEqual(checkedConfig(ctx).warnings, [], flavour);
    }
  });
}

const ringHashEverywhere = {
  loadBalancer: {
    type: 'RingHash',
    ringHash: {
      hashPolicies: [
        { type: 'Header', header: { name: 'x-user' } },
        { type: 'SourceIP', connection: {} },
      ],
    },
  },
  localityAwareness: { crossZone: { failover: [{ to: { type: 'Any' } }] } },
};
const goldenCases = [
  { name: 'envoy-ring-hash-local-zone', ctx: () => twoZoneProxy('envoy', [toBackend(ringHashEverywhere)]) },
  { name: 'grpc-ring-hash-local-zone', ctx: () => twoZoneProxy('grpc', [toBackend(ringHashEverywhere)], 'grpc') },
  {
    name: 'envoy-affinity-tags',
    ctx: () => onNodes(twoZoneProxy('envoy', [affinity([{ key: 'k8s.io/node' }, { key: 'rack' }])])),
  },
];

for (const c of goldenCases) {
  test(`${c.name}: clusters, routes and endpoints equal their golden file`, () => {
    const types = [TypeUrl.Cluster, TypeUrl.RouteConfiguration, TypeUrl.ClusterLoadAssignment];
    expectGolden(join(testdata, `${c.name}.golden.json`), goldenText(checkedConfig(c.ctx()), { types }));
  });
}

test('Envoy: a to[] entry naming a MeshHTTPRoute sets the hash policies of that route only', () => {
  const cart = storedPolicy('MeshHTTPRoute', 'cart', {
    to: [
      {
        targetRef: { kind: 'MeshService', name: 'backend' },
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/cart' } }], default: {} }],
      },
    ],
  });
  const lb = storedPolicy('MeshLoadBalancingStrategy', 'backend-lb', {
    targetRef: { kind: 'Mesh' },
    to: [
      {
        targetRef: { kind: 'MeshService', name: 'backend' },
        default: {
          loadBalancer: {
            type: 'RingHash',
            ringHash: { hashPolicies: [{ type: 'Header', header: { name: 'x-user' } }] },
          },
        },
      },
      {
        targetRef: { kind: 'MeshHTTPRoute', name: 'cart' },
        default: { hashPolicies: [{ type: 'QueryParameter', queryParameter: { name: 'cart' } }] },
      },
    ],
  });
  const routes = resourceOf(
    checkedConfig(twoZoneProxy('envoy', [cart, lb])),
    TypeUrl.RouteConfiguration,
    'outbound:backend',
  )['virtualHosts'][0].routes;
  assert.deepEqual(
    routes.map((r: any) => [r.name ?? '', r.route.hashPolicy]),
    [
      ['cart', [{ queryParameter: { name: 'cart' } }]],
      ['', [{ header: { headerName: 'x-user' } }]],
    ],
  );
  assert.equal(
    cluster(twoZoneProxy('envoy', [cart, lb]))['lbPolicy'],
    'RING_HASH',
    'the destination keeps its load balancer',
  );
});
