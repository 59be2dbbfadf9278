import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertConsistent } from '../../xds/generate/testing/consistency.js';
import type { ProxyFlavour } from '../../xds/generate/proxy-context.js';
import {
  assertResourcesPassPgv,
  backendSubset,
  clustersOf,
  decodeWithGrpcJsXds,
  encodeProxyResources,
  expectGolden,
  frontendProxy,
  generateProxyConfig,
  jsonText,
  resourceJson,
  routesOf,
  runPlugin,
  srcPath,
  storedPolicy,
} from '../core/testkit/index.js';
import { meshHttpRoutePlugin } from './plugin.js';

const testdata = srcPath('src/policies/meshhttproute/testdata');
const FLAVOURS: readonly ProxyFlavour[] = ['envoy', 'grpc'];

/** A MeshHTTPRoute from `frontend` to `backend` with these rules. */
const route = (name: string, rules: unknown[]) =>
  storedPolicy('MeshHTTPRoute', name, {
    targetRef: { kind: 'MeshService', name: 'frontend' },
    to: [{ targetRef: { kind: 'MeshService', name: 'backend' }, rules }],
  });

const split9010 = route('split', [
  {
    matches: [{ path: { type: 'PathPrefix', value: '/' } }],
    default: { backendRefs: [backendSubset('v1', 90), backendSubset('v2', 10)] },
  },
]);
const headerToV2 = route('by-header', [
  {
    matches: [{ headers: [{ type: 'Exact', name: 'x-version', value: 'v2' }] }],
    default: { backendRefs: [backendSubset('v2')] },
  },
]);

for (const flavour of FLAVOURS) {
  test(`${flavour}: a 90/10 split becomes weighted clusters over two subset clusters`, () => {
    const { resources, warnings } = runPlugin(meshHttpRoutePlugin, frontendProxy(flavour, [split9010]));
    assert.deepEqual(warnings, []);
    const routes = routesOf(resources);
    assert.deepEqual(clustersOf(routes[0]), [
      ['backend_version_v1', 90],
      ['backend_version_v2', 10],
    ]);
    assert.deepEqual(clustersOf(routes.at(-1)), [['backend', 1]], 'the catch-all stays last');
    const endpointsOf = (name: string) =>
      resources.loadAssignments
        .find((a) => a.clusterName === name)
        ?.endpoints.flatMap((l) =>
          l.lbEndpoints.map((e) =>
            e.hostIdentifier.case === 'endpoint'
              ? e.hostIdentifier.value.address?.address.case === 'socketAddress' &&
                e.hostIdentifier.value.address.address.value.address
              : '',
          ),
        );
    assert.deepEqual(endpointsOf('backend_version_v1'), ['10.0.0.2', '10.0.0.3']);
    assert.deepEqual(endpointsOf('backend_version_v2'), ['10.0.0.4']);
    assert.deepEqual(
      resources.clusters.map((c) => c.name),
      ['backend', 'backend_version_v1', 'backend_version_v2'],
    );
  });

  test(`${flavour}: a header match sends marked requests to v2 and the rest on`, () => {
    const { resources, warnings } = runPlugin(meshHttpRoutePlugin, frontendProxy(flavour, [split9010, headerToV2]));
    assert.deepEqual(warnings, []);
    const routes = routesOf(resources);
    assert.equal(routes.length, 3);
    const header = routes[0]?.match?.headers[0];
    assert.equal(header?.name, 'x-version');
    assert.equal(
      header?.headerMatchSpecifier.case === 'stringMatch' && header.headerMatchSpecifier.value.matchPattern.value,
      'v2',
    );
    assert.deepEqual(
      clustersOf(routes[0]),
      [['backend_version_v2', 1]],
      'the header route beats the prefix / split: more specific',
    );
    assert.deepEqual(clustersOf(routes[1]), [
      ['backend_version_v1', 90],
      ['backend_version_v2', 10],
    ]);
  });

  test(`${flavour}: every generated message passes the PGV rules`, () => {
    for (const mtls of [false, true])
      assertResourcesPassPgv(
        runPlugin(meshHttpRoutePlugin, frontendProxy(flavour, [split9010, headerToV2], { mtls })).resources,
      );
  });

  test(`${flavour}: with mTLS a subset cluster keeps the service cluster's TLS and settings under its own name`, () => {
    const { resources } = runPlugin(meshHttpRoutePlugin, frontendProxy(flavour, [split9010], { mtls: true }));
    const service = resources.clusters.find((c) => c.name === 'backend');
    const v2 = resources.clusters.find((c) => c.name === 'backend_version_v2');
    assert.ok(service?.transportSocket && v2);
    assert.deepEqual({ ...v2, name: 'backend' }, service);
  });

  test(`${flavour}: without a MeshHTTPRoute the resources are handed on untouched`, () => {
    const { base, resources } = runPlugin(meshHttpRoutePlugin, frontendProxy(flavour, []));
    assert.equal(resources, base);
  });

  test(`${flavour}: the same routes on the same destination share one edited route configuration`, () => {
    const proxy = frontendProxy(flavour, [split9010]);
    const other = { ...proxy, name: 'frontend-2' };
    assert.equal(routesOf(runPlugin(meshHttpRoutePlugin, proxy).resources).length, 2);
    const a = runPlugin(meshHttpRoutePlugin, proxy).resources.routeConfigurations[0];
    const b = runPlugin(meshHttpRoutePlugin, other).resources.routeConfigurations[0];
    assert.equal(a, b);
  });
}

test('grpc: grpc-js-xds accepts the split and header routes, their weights and the subset clusters and endpoints', () => {
  for (const mtls of [false, true]) {
    const decoded = decodeWithGrpcJsXds(
      runPlugin(meshHttpRoutePlugin, frontendProxy('grpc', [split9010, headerToV2], { mtls })).resources,
    );
    const config = decoded.get('RouteConfiguration/outbound:backend');
    const routes = config?.virtual_hosts[0].routes;
    assert.equal(routes[0].match.headers[0].name, 'x-version');
    assert.deepEqual(
      routes[1].route.weighted_clusters.clusters.map((c: { name: string; weight: { value: number } }) => [
        c.name,
        c.weight.value,
      ]),
      [
        ['backend_version_v1', 90],
        ['backend_version_v2', 10],
      ],
    );
    for (const name of ['backend_version_v1', 'backend_version_v2']) {
      assert.ok(decoded.has(`Cluster/${name}`), `cluster ${name}`);
      assert.ok(decoded.has(`ClusterLoadAssignment/${name}`), `assignment ${name}`);
    }
  }
});

test('rules with the same matches merge across policies: the higher priority one wins per field', () => {
  const rules = (backend: unknown) => [
    { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], default: { backendRefs: [backend] } },
  ];
  // Equal in everything but the name: the alphabetically smaller name has the higher priority (merged last).
  const low = route('b-low', rules(backendSubset('v1')));
  const high = route('a-high', rules(backendSubset('v2')));
  const routes = routesOf(runPlugin(meshHttpRoutePlugin, frontendProxy('envoy', [low, high])).resources);
  assert.equal(routes.length, 2, 'one merged rule and the catch-all');
  assert.deepEqual(clustersOf(routes[0]), [['backend_version_v2', 1]]);
  assert.equal(routes[0]?.name, 'b-low,a-high');
});

test('routes are ordered most specific first: exact path, longer prefix, shorter prefix, regex', () => {
  const to = (path: unknown) => ({ matches: [{ path }], default: {} });
  const policy = route('order', [
    to({ type: 'RegularExpression', value: '^/a.*' }),
    to({ type: 'PathPrefix', value: '/a' }),
    to({ type: 'PathPrefix', value: '/a/b' }),
    to({ type: 'Exact', value: '/a' }),
  ]);
  const specifiers = routesOf(runPlugin(meshHttpRoutePlugin, frontendProxy('envoy', [policy])).resources).map((r) => {
    const p = r.match?.pathSpecifier;
    return p?.case === 'safeRegex' ? `regex ${p.value.regex}` : `${p?.case} ${p?.value}`;
  });
  assert.deepEqual(specifiers, [
    'path /a',
    'pathSeparatedPrefix /a/b',
    'pathSeparatedPrefix /a',
    'regex ^/a.*',
    'prefix /',
  ]);
});

test('regex routes are ordered longer first, as Kuma does: a catch-all regex written first does not hide a specific one', () => {
  const to = (path: unknown) => ({ matches: [{ path }], default: {} });
  const policy = route('regex-order', [
    to({ type: 'RegularExpression', value: '/.*' }),
    to({ type: 'RegularExpression', value: '/re/[0-9]+' }),
  ]);
  const regexes = routesOf(runPlugin(meshHttpRoutePlugin, frontendProxy('envoy', [policy])).resources).map((r) => {
    const p = r.match?.pathSpecifier;
    return p?.case === 'safeRegex' ? p.value.regex : `${p?.case} ${p?.value}`;
  });
  assert.deepEqual(regexes, ['/re/[0-9]+', '/.*', 'prefix /']);
});

test('envoy: method, header kinds and query parameters all become route conditions', () => {
  const policy = route('conditions', [
    {
      matches: [
        {
          method: 'GET',
          headers: [
            { type: 'Present', name: 'x-present' },
            { type: 'Absent', name: 'x-absent' },
            { type: 'Prefix', name: 'x-prefix', value: 'pre' },
            { type: 'RegularExpression', name: 'x-regex', value: 'v[0-9]+' },
          ],
          queryParams: [
            { type: 'Exact', name: 'debug', value: '1' },
            { type: 'RegularExpression', name: 'id', value: '[0-9]+' },
          ],
        },
      ],
      default: {},
    },
  ]);
  const { resources } = runPlugin(meshHttpRoutePlugin, frontendProxy('envoy', [policy]));
  assertResourcesPassPgv(resources);
  const match = routesOf(resources)[0]?.match;
  const headers = match?.headers.map((h) => [h.name, h.headerMatchSpecifier.case, h.invertMatch]);
  assert.deepEqual(headers, [
    [':method', 'stringMatch', false],
    ['x-present', 'presentMatch', false],
    ['x-absent', 'presentMatch', true],
    ['x-prefix', 'stringMatch', false],
    ['x-regex', 'stringMatch', false],
  ]);
  assert.deepEqual(
    match?.queryParameters.map((q) => [
      q.name,
      q.queryParameterMatchSpecifier.case === 'stringMatch' && q.queryParameterMatchSpecifier.value.matchPattern.case,
    ]),
    [
      ['debug', 'exact'],
      ['id', 'safeRegex'],
    ],
  );
});

const filtered = route('filters', [
  {
    matches: [{ path: { type: 'PathPrefix', value: '/old' } }],
    default: {
      filters: [
        {
          type: 'RequestHeaderModifier',
          requestHeaderModifier: {
            set: [{ name: 'x-set', value: 'a' }],
            add: [{ name: 'x-add', value: 'b' }],
            remove: ['x-gone'],
          },
        },
        { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['server'] } },
        {
          type: 'URLRewrite',
          urlRewrite: { hostname: 'new.example', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } },
        },
        { type: 'RequestMirror', requestMirror: { percentage: 12.5, backendRef: backendSubset('v2') } },
      ],
    },
  },
  {
    matches: [{ path: { type: 'Exact', value: '/moved' } }],
    default: {
      filters: [
        { type: 'RequestRedirect', requestRedirect: { scheme: 'https', hostname: 'example.com', statusCode: 301 } },
      ],
    },
  },
]);

test('envoy: filters become header edits, a URL rewrite, a mirror and a redirect', () => {
  const { resources, warnings } = runPlugin(meshHttpRoutePlugin, frontendProxy('envoy', [filtered]));
  assert.deepEqual(warnings, []);
  assertResourcesPassPgv(resources);
  const [redirect, rewritten] = routesOf(resources);
  assert.equal(redirect?.action.case, 'redirect');
  assert.ok(redirect?.action.case === 'redirect');
  assert.equal(redirect.action.value.hostRedirect, 'example.com');
  assert.deepEqual(redirect.action.value.schemeRewriteSpecifier, { case: 'schemeRedirect', value: 'https' });
  assert.ok(rewritten?.action.case === 'route');
  const action = rewritten.action.value;
  assert.equal(action.prefixRewrite, '/new');
  assert.deepEqual(action.hostRewriteSpecifier, { case: 'hostRewriteLiteral', value: 'new.example' });
  assert.equal(action.requestMirrorPolicies[0]?.cluster, 'backend_version_v2');
  assert.ok(
    resources.clusters.some((c) => c.name === 'backend_version_v2'),
    'the mirror subset has its cluster',
  );
  assert.equal(action.requestMirrorPolicies[0]?.runtimeFraction?.defaultValue?.numerator, 125_000);
  assert.deepEqual(
    rewritten.requestHeadersToAdd.map((h) => [h.header?.key, h.header?.value, h.appendAction]),
    [
      ['x-set', 'a', 2],
      ['x-add', 'b', 0],
    ],
  );
  assert.deepEqual(rewritten.requestHeadersToRemove, ['x-gone']);
  assert.deepEqual(rewritten.responseHeadersToRemove, ['server']);
});

/** What Envoy makes of `path` on a route whose match is the prefix `matched`: its regex rewrite, or its prefix rewrite. */
function rewrittenPath(route: ReturnType<typeof routesOf>[number] | undefined, matched: string, path: string): string {
  assert.ok(route?.action.case === 'route');
  const { regexRewrite, prefixRewrite } = route.action.value;
  if (regexRewrite?.pattern) return path.replace(new RegExp(regexRewrite.pattern.regex), regexRewrite.substitution);
  return prefixRewrite + path.slice(matched.length);
}

const PREFIX_REWRITES: readonly [string, string, string, string][] = [
  // matched prefix, replacement, request path, path sent on
  ['/api', '/', '/api/x', '/x'],
  ['/api', '/', '/api', '/'],
  ['/api', '/v2', '/api/x', '/v2/x'],
  ['/', '/v2', '/x', '/v2/x'],
];

for (const [matched, replacement, path, expected] of PREFIX_REWRITES) {
  test(`envoy: ReplacePrefixMatch ${matched} -> ${replacement} sends ${path} on as ${expected}`, () => {
    const policy = route('rewrite', [
      {
        matches: [{ path: { type: 'PathPrefix', value: matched } }],
        default: {
          filters: [
            {
              type: 'URLRewrite',
              urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: replacement } },
            },
          ],
        },
      },
    ]);
    assert.equal(
      rewrittenPath(
        routesOf(runPlugin(meshHttpRoutePlugin, frontendProxy('envoy', [policy])).resources)[0],
        matched,
        path,
      ),
      expected,
    );
  });
}

test('grpc: filters are not applied, each with a warning, and the route still forwards', () => {
  const { resources, warnings } = runPlugin(meshHttpRoutePlugin, frontendProxy('grpc', [filtered]));
  assert.equal(warnings.length, 5);
  for (const type of [
    'RequestHeaderModifier',
    'ResponseHeaderModifier',
    'URLRewrite',
    'RequestMirror',
    'RequestRedirect',
  ])
    assert.ok(
      warnings.some((w) => w.includes(`filter ${type} not applied`)),
      type,
    );
  const routes = routesOf(resources);
  for (const r of routes) {
    assert.equal(r.action.case, 'route');
    assert.deepEqual(r.requestHeadersToAdd, []);
  }
  decodeWithGrpcJsXds(resources);
});

test('grpc: a PathPrefix becomes a plain prefix ending in /, which grpc-js-xds supports', () => {
  const policy = route('svc', [
    {
      matches: [{ path: { type: 'PathPrefix', value: '/pkg.Greeter' } }],
      default: { backendRefs: [backendSubset('v2')] },
    },
  ]);
  const { resources } = runPlugin(meshHttpRoutePlugin, frontendProxy('grpc', [policy]));
  assert.deepEqual(routesOf(resources)[0]?.match?.pathSpecifier, { case: 'prefix', value: '/pkg.Greeter/' });
  decodeWithGrpcJsXds(resources);
});

test('grpc: routes on query parameters or a method other than POST are left out with a warning; POST always holds', () => {
  const policy = route('methods', [
    { matches: [{ queryParams: [{ type: 'Exact', name: 'a', value: '1' }] }], default: {} },
    { matches: [{ method: 'GET' }], default: {} },
    {
      matches: [{ method: 'POST', path: { type: 'Exact', value: '/pkg.S/M' } }],
      default: { backendRefs: [backendSubset('v2')] },
    },
  ]);
  const { resources, warnings } = runPlugin(meshHttpRoutePlugin, frontendProxy('grpc', [policy]));
  assert.equal(warnings.length, 2);
  assert.match(warnings.join('\n'), /queryParams match/);
  assert.match(warnings.join('\n'), /method GET match/);
  const routes = routesOf(resources);
  assert.equal(routes.length, 2);
  assert.deepEqual(routes[0]?.match?.headers, []);
  assert.deepEqual(clustersOf(routes[0]), [['backend_version_v2', 1]]);
});

test('a backend the proxy cannot reach is dropped with a warning; a rule left with none is left out', () => {
  const policy = route('unknown', [
    {
      matches: [{ path: { type: 'PathPrefix', value: '/x' } }],
      default: { backendRefs: [{ kind: 'MeshService', name: 'elsewhere' }] },
    },
  ]);
  const { resources, warnings } = runPlugin(meshHttpRoutePlugin, frontendProxy('envoy', [policy]));
  assert.equal(routesOf(resources).length, 1);
  assert.match(warnings[0] ?? '', /elsewhere not applied: the proxy has no outbound to elsewhere/);
  assert.match(warnings[1] ?? '', /no backendRef can receive traffic/);
});

test('a MeshHTTPRoute to a tcp destination is reported and changes nothing', () => {
  const { base, resources, warnings } = runPlugin(
    meshHttpRoutePlugin,
    frontendProxy('envoy', [split9010], { protocol: 'tcp' }),
  );
  assert.equal(resources, base);
  assert.match(warnings[0] ?? '', /speaks tcp/);
});

const GOLDEN: readonly [string, ProxyFlavour, boolean][] = [
  ['split-and-header.envoy', 'envoy', false],
  ['split-and-header-mtls.envoy', 'envoy', true],
  ['split-and-header.grpc', 'grpc', false],
];

for (const [name, flavour, mtls] of GOLDEN) {
  test(`${name}: the routed resources pass the consistency gate and equal their golden file`, () => {
    const { resources } = runPlugin(meshHttpRoutePlugin, frontendProxy(flavour, [split9010, headerToV2], { mtls }));
    assertConsistent(encodeProxyResources(resources));
    const relevant = encodeProxyResources(resources).filter((r) => !r.typeUrl.endsWith('Secret'));
    expectGolden(join(testdata, `${name}.golden.json`), jsonText(relevant.map(resourceJson)));
  });
}

test('envoy filters: the routed resources pass the consistency gate and equal their golden file', () => {
  const { resources } = runPlugin(meshHttpRoutePlugin, frontendProxy('envoy', [filtered]));
  assertConsistent(encodeProxyResources(resources));
  const config = encodeProxyResources(resources).filter((r) => r.name === 'outbound:backend');
  expectGolden(join(testdata, 'filters.envoy.golden.json'), jsonText(config.map(resourceJson)));
});

test('the plugin is registered: generateProxyConfig applies a MeshHTTPRoute and reports nothing for a routable one', () => {
  for (const flavour of FLAVOURS) {
    const { resources, warnings } = generateProxyConfig(frontendProxy(flavour, [split9010]));
    assert.deepEqual(warnings, []);
    assert.ok(
      resources.some((r) => r.name === 'backend_version_v2' && r.typeUrl.endsWith('Cluster')),
      flavour,
    );
  }
});
