import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { toJson } from '@bufbuild/protobuf';
import { TypeUrl } from '../../xds/resource-types.js';
import { generateEnvoyResources } from '../../xds/generate/index.js';
import { ListenerSchema } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { envoyRegistry } from '../../xds/validate/index.js';
import {
  expectGolden,
  findResource,
  goldenText,
  grpcDecoded,
  hcmOf,
  httpFilterNames,
  networkFilterNames,
  optionalResourceOf,
  resourceNames,
  srcPath,
  twoZoneProxy,
} from '../core/testkit/index.js';
import { meshProxyPatchPlugin } from './plugin.js';
import { configWith, proxyPatch } from './testing.js';

const testdata = srcPath('src/policies/meshproxypatch/testdata');
const INBOUND = 'inbound:10.0.0.1:8080';
const OUTBOUND_BACKEND = 'outbound:127.0.0.1:10001';
const OUTBOUND_DB = 'outbound:127.0.0.1:10002';
const HCM = 'envoy.filters.network.http_connection_manager';
const ROUTER = 'envoy.filters.http.router';
const FAULT = `name: envoy.filters.http.fault
typedConfig:
  "@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault
  abort: { httpStatus: 503, percentage: { numerator: 10 } }
`;
const LOCAL_CLUSTER = 'localhost:8081';

const cluster = (c: unknown) => ({ cluster: c });
const listener = (l: unknown) => ({ listener: l });
const networkFilter = (f: unknown) => ({ networkFilter: f });
const httpFilter = (f: unknown) => ({ httpFilter: f });
const virtualHost = (v: unknown) => ({ virtualHost: v });

test('cluster Add puts a new cluster beside the generated ones, sorted by name', () => {
  const config = configWith(
    'envoy',
    proxyPatch('p', cluster({ operation: 'Add', value: 'name: aaa-extra\nconnectTimeout: 2s\ntype: STATIC\n' })),
  );
  assert.deepEqual(resourceNames(config, TypeUrl.Cluster), ['aaa-extra', 'backend', 'db', LOCAL_CLUSTER]);
  assert.equal(optionalResourceOf(config, TypeUrl.Cluster, 'aaa-extra')?.['connectTimeout'], '2s');
  assert.deepEqual(config.warnings, []);
});

test('cluster Add with the name of a generated cluster replaces it', () => {
  const config = configWith(
    'envoy',
    proxyPatch('p', cluster({ operation: 'Add', value: 'name: db\nconnectTimeout: 7s\ntype: STATIC\n' })),
  );
  assert.deepEqual(resourceNames(config, TypeUrl.Cluster), ['backend', 'db', LOCAL_CLUSTER]);
  assert.equal(optionalResourceOf(config, TypeUrl.Cluster, 'db')?.['type'], 'STATIC');
});

test('cluster Patch with a value merges it into the clusters its origin matches, and only those', () => {
  const config = configWith(
    'envoy',
    proxyPatch(
      'p',
      cluster({
        match: { origin: 'outbound' },
        operation: 'Patch',
        value: 'connectTimeout: 9s\nperConnectionBufferLimitBytes: 1024\n',
      }),
    ),
  );
  for (const name of ['backend', 'db']) {
    const patched = optionalResourceOf(config, TypeUrl.Cluster, name);
    assert.equal(patched?.['connectTimeout'], '9s', name);
    assert.equal(patched?.['perConnectionBufferLimitBytes'], 1024, name);
    assert.equal(patched?.['type'], 'EDS', `${name}: fields the value does not name are kept`);
  }
  assert.notEqual(optionalResourceOf(config, TypeUrl.Cluster, LOCAL_CLUSTER)?.['connectTimeout'], '9s');
});

test('cluster Patch with jsonPatches edits by JSON pointer; Remove drops by name', () => {
  const config = configWith(
    'envoy',
    proxyPatch(
      'p',
      cluster({
        match: { name: 'backend' },
        operation: 'Patch',
        jsonPatches: [{ op: 'add', path: '/connectTimeout', value: '3s' }],
      }),
      cluster({ match: { name: 'db', origin: 'outbound' }, operation: 'Remove' }),
    ),
  );
  assert.equal(optionalResourceOf(config, TypeUrl.Cluster, 'backend')?.['connectTimeout'], '3s');
  assert.deepEqual(resourceNames(config, TypeUrl.Cluster), ['backend', LOCAL_CLUSTER]);
});

test('listener Patch matches by tags: the inbound carries its inbound tags, an outbound its kuma.io/service', () => {
  const patch = (tags: Record<string, string>) =>
    proxyPatch('p', listener({ match: { tags }, operation: 'Patch', value: 'perConnectionBufferLimitBytes: 4096\n' }));
  const byWeb = configWith('envoy', patch({ 'kuma.io/service': 'web', 'kuma.io/zone': 'east' }));
  assert.equal(optionalResourceOf(byWeb, TypeUrl.Listener, INBOUND)?.['perConnectionBufferLimitBytes'], 4096);
  assert.equal(optionalResourceOf(byWeb, TypeUrl.Listener, OUTBOUND_DB)?.['perConnectionBufferLimitBytes'], undefined);
  const byDb = configWith('envoy', patch({ 'kuma.io/service': 'db' }));
  assert.equal(optionalResourceOf(byDb, TypeUrl.Listener, OUTBOUND_DB)?.['perConnectionBufferLimitBytes'], 4096);
  assert.equal(optionalResourceOf(byDb, TypeUrl.Listener, INBOUND)?.['perConnectionBufferLimitBytes'], undefined);
});

test('listener Remove by origin drops every outbound listener', () => {
  const config = configWith('envoy', proxyPatch('p', listener({ match: { origin: 'outbound' }, operation: 'Remove' })));
  assert.deepEqual(resourceNames(config, TypeUrl.Listener), [INBOUND]);
});

const networkFilterCases = [
  { operation: 'AddFirst', want: ['envoy.filters.network.rbac_x', 'envoy.filters.network.tcp_proxy'] },
  { operation: 'AddLast', want: ['envoy.filters.network.tcp_proxy', 'envoy.filters.network.rbac_x'] },
  {
    operation: 'AddBefore',
    name: 'envoy.filters.network.tcp_proxy',
    want: ['envoy.filters.network.rbac_x', 'envoy.filters.network.tcp_proxy'],
  },
  {
    operation: 'AddAfter',
    name: 'envoy.filters.network.tcp_proxy',
    want: ['envoy.filters.network.tcp_proxy', 'envoy.filters.network.rbac_x'],
  },
  { operation: 'AddAfter', name: 'no-such-filter', want: ['envoy.filters.network.tcp_proxy'] },
] as const;

for (const c of networkFilterCases) {
  test(`networkFilter ${c.operation}${'name' in c ? ` ${c.name}` : ''} on the db outbound listener`, () => {
    const match = { listenerName: OUTBOUND_DB, ...('name' in c ? { name: c.name } : {}) };
    const config = configWith(
      'envoy',
      proxyPatch('p', networkFilter({ match, operation: c.operation, value: 'name: envoy.filters.network.rbac_x\n' })),
    );
    assert.deepEqual(networkFilterNames(optionalResourceOf(config, TypeUrl.Listener, OUTBOUND_DB)!), [c.want]);
    assert.deepEqual(
      networkFilterNames(optionalResourceOf(config, TypeUrl.Listener, OUTBOUND_BACKEND)!),
      [[HCM]],
      'other listeners keep their filters',
    );
  });
}

test('networkFilter Patch merges into the typed config of the same type; Remove drops the named filter', () => {
  const config = configWith(
    'envoy',
    proxyPatch(
      'p',
      networkFilter({
        match: { name: 'envoy.filters.network.tcp_proxy', origin: 'outbound' },
        operation: 'Patch',
        jsonPatches: [{ op: 'replace', path: '/typedConfig/statPrefix', value: 'patched' }],
      }),
      networkFilter({ match: { name: HCM, listenerName: INBOUND }, operation: 'Remove' }),
    ),
  );
  const db = optionalResourceOf(config, TypeUrl.Listener, OUTBOUND_DB)!;
  assert.equal(db['filterChains'][0]['filters'][0]['typedConfig']['statPrefix'], 'patched');
  assert.equal(db['filterChains'][0]['filters'][0]['typedConfig']['cluster'], 'db');
  assert.deepEqual(networkFilterNames(optionalResourceOf(config, TypeUrl.Listener, INBOUND)!), [[]]);
});

for (const flavour of ['envoy', 'grpc'] as const) {
  test(`${flavour}: httpFilter AddBefore the router puts a fault filter into every HTTP connection manager of the origin`, () => {
    const config = configWith(
      flavour,
      proxyPatch(
        'p',
        httpFilter({ match: { name: ROUTER, origin: 'outbound' }, operation: 'AddBefore', value: FAULT }),
      ),
    );
    const backend = flavour === 'grpc' ? 'backend' : OUTBOUND_BACKEND;
    assert.deepEqual(httpFilterNames(hcmOf(optionalResourceOf(config, TypeUrl.Listener, backend)!)), [
      'envoy.filters.http.fault',
      ROUTER,
    ]);
    assert.deepEqual(config.warnings, []);
    if (flavour === 'grpc') {
      // grpc-js-xds validates each HTTP filter of an api listener with the filter it registers under that name: fault is one.
      assert.equal(grpcDecoded(findResource(config, TypeUrl.Listener, 'backend'))['name'], 'backend');
    }
  });

  test(`${flavour}: virtualHost Patch and Add edit route configurations delivered over RDS`, () => {
    const config = configWith(
      flavour,
      proxyPatch(
        'p',
        virtualHost({
          match: { routeConfigurationName: 'outbound:backend' },
          operation: 'Patch',
          value: 'requestHeadersToRemove: [x-debug]\n',
        }),
        virtualHost({
          match: { routeConfigurationName: 'outbound:backend' },
          operation: 'Add',
          value:
            'name: extra\ndomains: ["extra.mesh"]\nroutes: [{ match: { prefix: "/" }, route: { cluster: backend } }]\n',
        }),
      ),
    );
    const route = optionalResourceOf(config, TypeUrl.RouteConfiguration, 'outbound:backend')!;
    const hosts = route['virtualHosts'] as Record<string, any>[];
    assert.deepEqual(hosts.map((h) => h['name']).sort(), ['backend', 'extra'].sort());
    assert.deepEqual(hosts.find((h) => h['name'] === 'backend')?.['requestHeadersToRemove'], ['x-debug']);
    if (flavour === 'grpc') grpcDecoded(findResource(config, TypeUrl.RouteConfiguration, 'outbound:backend'));
  });
}

test('virtualHost modifications reach the route configuration an inbound HCM holds inline', () => {
  const config = configWith(
    'envoy',
    proxyPatch(
      'p',
      virtualHost({
        match: { origin: 'inbound' },
        operation: 'Patch',
        value: 'requestHeadersToRemove: [x-internal]\n',
      }),
    ),
  );
  const inline = optionalResourceOf(config, TypeUrl.Listener, INBOUND)!['filterChains'][0]['filters'][0]['typedConfig'][
    'routeConfig'
  ];
  assert.equal(inline['name'], 'inbound:web');
  assert.deepEqual(inline['virtualHosts'][0]['requestHeadersToRemove'], ['x-internal']);
  const outbound = optionalResourceOf(config, TypeUrl.RouteConfiguration, 'outbound:backend')!;
  assert.equal(outbound['virtualHosts'][0]['requestHeadersToRemove'], undefined);
});

test("grpc: a patch grpc-js-xds would reject is the user's to avoid: a fault filter on a server listener fails its decoder", () => {
  assert.throws(
    () =>
      configWith(
        'grpc',
        proxyPatch(
          'p',
          httpFilter({ match: { name: ROUTER, origin: 'inbound' }, operation: 'AddBefore', value: FAULT }),
        ),
      ),
    /envoy.filters.http.fault filter validation failed/,
  );
});

test('virtualHost Remove by name empties the route configuration it names', () => {
  const config = configWith(
    'envoy',
    proxyPatch(
      'p',
      virtualHost({ match: { name: 'backend', routeConfigurationName: 'outbound:backend' }, operation: 'Remove' }),
    ),
  );
  assert.equal(optionalResourceOf(config, TypeUrl.RouteConfiguration, 'outbound:backend')!['virtualHosts'], undefined);
});

const refused = [
  {
    name: 'a value that is not the Envoy type',
    modification: cluster({ match: { name: 'db' }, operation: 'Patch', value: 'connectTimeout: soon\n' }),
    reason:
      /p appendModifications\[0\] \(cluster Patch\) not applied: the patched resource is not a valid envoy\.config\.cluster\.v3\.Cluster|value is not a valid/,
  },
  {
    name: 'a JSON patch whose path is missing',
    modification: cluster({
      match: { name: 'db' },
      operation: 'Patch',
      jsonPatches: [{ op: 'replace', path: '/noSuchField', value: 1 }],
    }),
    reason:
      /p appendModifications\[0\] \(cluster Patch\) not applied: jsonPatches\[0\] \(replace \/noSuchField\): nothing at \/noSuchField/,
  },
  {
    name: "a result that breaks Envoy's validation rules",
    modification: cluster({
      match: { name: 'db' },
      operation: 'Patch',
      jsonPatches: [{ op: 'add', path: '/connectTimeout', value: '0s' }],
    }),
    reason:
      /p appendModifications\[0\] \(cluster Patch\) not applied: the result breaks Envoy's validation rules: db: connect_timeout: /,
  },
];

for (const c of refused) {
  test(`${c.name} is dropped with a warning, and the next modification still applies`, () => {
    const good = cluster({ match: { name: 'db' }, operation: 'Patch', value: 'perConnectionBufferLimitBytes: 2048\n' });
    const config = configWith('envoy', proxyPatch('p', c.modification, good));
    assert.equal(config.warnings.length, 1);
    assert.match(config.warnings[0]!, /^MeshProxyPatch: /);
    assert.match(config.warnings[0]!, c.reason);
    const db = optionalResourceOf(config, TypeUrl.Cluster, 'db')!;
    assert.equal(db['perConnectionBufferLimitBytes'], 2048);
    assert.notEqual(db['connectTimeout'], '0s');
  });
}

test('modifications apply in the order of the matched policies (lowest priority first), so a later one patches what an earlier one added', () => {
  const first = proxyPatch(
    'mesh-wide',
    cluster({ operation: 'Add', value: 'name: extra\nconnectTimeout: 1s\ntype: STATIC\n' }),
  );
  const second = proxyPatch(
    'for-web',
    cluster({ match: { name: 'extra' }, operation: 'Patch', value: 'connectTimeout: 4s\n' }),
  );
  assert.equal(
    optionalResourceOf(configWith('envoy', first, second), TypeUrl.Cluster, 'extra')?.['connectTimeout'],
    '4s',
  );
  assert.equal(
    optionalResourceOf(configWith('envoy', second, first), TypeUrl.Cluster, 'extra')?.['connectTimeout'],
    '1s',
  );
});

test('messages shared with other proxies are never changed in place', () => {
  const ctx = twoZoneProxy('envoy', [
    proxyPatch(
      'p',
      networkFilter({ match: { origin: 'outbound' }, operation: 'AddFirst', value: 'name: x\n' }),
      listener({ match: { origin: 'inbound' }, operation: 'Patch', value: 'perConnectionBufferLimitBytes: 1\n' }),
    ),
  ]);
  const base = generateEnvoyResources(ctx);
  const before = base.listeners.map((l) => toJson(ListenerSchema, l, { registry: envoyRegistry }));
  const after = meshProxyPatchPlugin.apply(base, {
    proxy: ctx,
    matched: ctx.policies!.get('MeshProxyPatch')!,
    warn: assert.fail,
  });
  assert.notDeepEqual(after.listeners, base.listeners);
  assert.deepEqual(
    base.listeners.map((l) => toJson(ListenerSchema, l, { registry: envoyRegistry })),
    before,
  );
});

test('proxies patched alike share the patched message, so it is built and encoded once', () => {
  const patch = proxyPatch(
    'p',
    cluster({ match: { name: 'backend' }, operation: 'Patch', value: 'connectTimeout: 9s\n' }),
    cluster({ operation: 'Add', value: 'name: extra\ntype: STATIC\n' }),
  );
  const web1 = twoZoneProxy('envoy', [patch]);
  const web2 = { ...web1, name: 'web-2' };
  const apply = (ctx: typeof web1) =>
    meshProxyPatchPlugin.apply(generateEnvoyResources(ctx), {
      proxy: ctx,
      matched: ctx.policies!.get('MeshProxyPatch')!,
      warn: assert.fail,
    });
  const [a, b] = [apply(web1), apply(web2)];
  for (const name of ['backend', 'extra']) {
    const inA = a.clusters.find((c) => c.name === name);
    assert.ok(inA);
    assert.equal(
      b.clusters.find((c) => c.name === name),
      inA,
      name,
    );
  }
});

test('envoy golden: clusters, listeners and routes after a mix of modifications', () => {
  const config = configWith(
    'envoy',
    proxyPatch(
      'golden',
      cluster({ match: { origin: 'outbound' }, operation: 'Patch', value: 'connectTimeout: 9s\n' }),
      httpFilter({ match: { name: ROUTER, listenerName: INBOUND }, operation: 'AddBefore', value: FAULT }),
      networkFilter({
        match: { listenerName: OUTBOUND_DB },
        operation: 'AddFirst',
        value:
          'name: envoy.filters.network.local_ratelimit\ntypedConfig:\n  "@type": type.googleapis.com/envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit\n  statPrefix: db_limit\n  tokenBucket: { maxTokens: 10, fillInterval: 1s }\n',
      }),
      virtualHost({
        match: { routeConfigurationName: 'outbound:backend' },
        operation: 'Patch',
        jsonPatches: [{ op: 'add', path: '/domains/-', value: 'backend.mesh' }],
      }),
    ),
  );
  assert.deepEqual(config.warnings, []);
  expectGolden(
    join(testdata, 'envoy-mixed.golden.json'),
    goldenText(config, { types: [TypeUrl.Cluster, TypeUrl.Listener, TypeUrl.RouteConfiguration] }),
  );
});

test('grpc golden: a fault filter, a circuit breaker and a virtual host edit that grpc-js-xds accepts', () => {
  const config = configWith(
    'grpc',
    proxyPatch(
      'golden',
      httpFilter({ match: { name: ROUTER, origin: 'outbound' }, operation: 'AddBefore', value: FAULT }),
      cluster({
        match: { name: 'backend' },
        operation: 'Patch',
        value: 'circuitBreakers: { thresholds: [{ maxRequests: 5 }] }\n',
      }),
      virtualHost({
        match: { routeConfigurationName: 'outbound:backend' },
        operation: 'Patch',
        jsonPatches: [{ op: 'add', path: '/domains/-', value: 'backend.mesh' }],
      }),
    ),
  );
  assert.deepEqual(config.warnings, []);
  assert.equal(grpcDecoded(findResource(config, TypeUrl.Cluster, 'backend'))['maxConcurrentRequests'], 5);
  expectGolden(
    join(testdata, 'grpc-mixed.golden.json'),
    goldenText(config, { types: [TypeUrl.Cluster, TypeUrl.Listener, TypeUrl.RouteConfiguration] }),
  );
});
