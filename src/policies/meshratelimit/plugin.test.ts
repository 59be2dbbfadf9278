import {
  CACHE,
  envoySelects,
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
import { tagsHeaderValue } from '../../xds/generate/tags-header.js';

const testdata = srcPath('src/policies/meshratelimit/testdata');

const mrl = (name: string, spec: Record<string, unknown>) => storedPolicy('MeshRateLimit', name, spec);
const rules = (local: unknown) => ({ rules: [{ default: { local } }] });

const httpLimitOf = (hcm: Record<string, any>): Record<string, any> | undefined =>
  (hcm['httpFilters'] as Record<string, any>[]).find((f) => f['name'] === 'envoy.filters.http.local_ratelimit')?.[
    'typedConfig'
  ];
const tcpLimitsOf = (listener: Record<string, any>): Record<string, any>[] =>
  (listener['filterChains'] as Record<string, any>[]).flatMap((chain) =>
    (chain['filters'] as Record<string, any>[])
      .filter((f) => f['name'] === 'envoy.filters.network.local_ratelimit')
      .map((f) => f['typedConfig']),
  );

test('Envoy: a request rate is a token bucket before the router, always enforced, with the on-limit status and headers', () => {
  const config = inboundSideConfig('envoy', [
    mrl(
      'web',
      rules({
        http: {
          requestRate: { num: 100, interval: '10s' },
          onRateLimit: {
            status: 503,
            headers: { set: [{ name: 'x-limited', value: 'yes' }], add: [{ name: 'x-why', value: 'rate' }] },
          },
        },
      }),
    ),
  ]);
  const [hcm] = hcmsOf(listenerOf(config, WEB));
  assert.deepEqual(httpFilterNames(hcm!), ['envoy.filters.http.local_ratelimit', 'envoy.filters.http.router']);
  assert.deepEqual(httpLimitOf(hcm!), {
    '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
    statPrefix: 'inbound_10_0_0_1_8080',
    status: { code: 'ServiceUnavailable' },
    tokenBucket: { maxTokens: 100, tokensPerFill: 100, fillInterval: '10s' },
    filterEnabled: { defaultValue: { numerator: 100 } },
    filterEnforced: { defaultValue: { numerator: 100 } },
    responseHeadersToAdd: [
      { header: { key: 'x-limited', value: 'yes' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-why', value: 'rate' } },
    ],
  });
  assert.deepEqual(config.warnings, []);
});

test('Envoy: without a status a limited request gets 429', () => {
  const config = inboundSideConfig('envoy', [mrl('web', rules({ http: { requestRate: { num: 5, interval: '1s' } } }))]);
  assert.deepEqual(httpLimitOf(hcmsOf(listenerOf(config, WEB))[0]!)!['status'], { code: 'TooManyRequests' });
});

test('Envoy: a status Envoy has no name for is reported and answered with 429', () => {
  const config = inboundSideConfig('envoy', [
    mrl('web', rules({ http: { requestRate: { num: 5, interval: '1s' }, onRateLimit: { status: 299 } } })),
  ]);
  assert.deepEqual(httpLimitOf(hcmsOf(listenerOf(config, WEB))[0]!)!['status'], { code: 'TooManyRequests' });
  assert.match(config.warnings[0]!, /onRateLimit.status 299 not applied/);
});

test('Envoy: a connection rate closes connections beyond it on every inbound, before tcp_proxy or the HCM', () => {
  const config = inboundSideConfig('envoy', [
    mrl('conns', rules({ tcp: { connectionRate: { num: 10, interval: '1m' } } })),
  ]);
  assert.deepEqual(networkFilterNames(listenerOf(config, CACHE)), [
    ['envoy.filters.network.local_ratelimit', 'envoy.filters.network.tcp_proxy'],
  ]);
  assert.deepEqual(networkFilterNames(listenerOf(config, WEB)), [
    ['envoy.filters.network.local_ratelimit', 'envoy.filters.network.http_connection_manager'],
  ]);
  assert.deepEqual(tcpLimitsOf(listenerOf(config, CACHE))[0], {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit',
    statPrefix: 'inbound_10_0_0_1_6379',
    tokenBucket: { maxTokens: 10, tokensPerFill: 10, fillInterval: '60s' },
  });
});

test('Envoy: a request rate leaves a TCP inbound alone (it has no requests)', () => {
  const without = inboundSideConfig('envoy', []);
  const config = inboundSideConfig('envoy', [mrl('web', rules({ http: { requestRate: { num: 5, interval: '1s' } } }))]);
  assert.deepEqual(listenerOf(config, CACHE), listenerOf(without, CACHE));
});

test('Envoy: disabled in a more specific policy turns the mesh-wide limit off', () => {
  const config = inboundSideConfig('envoy', [
    mrl(
      'mesh-wide',
      rules({ http: { requestRate: { num: 5, interval: '1s' } }, tcp: { connectionRate: { num: 5, interval: '1s' } } }),
    ),
    mrl('web-off', { targetRef: { kind: 'Dataplane', name: 'web-1' }, ...rules({ http: { disabled: true } }) }),
  ]);
  assert.equal(httpLimitOf(hcmsOf(listenerOf(config, WEB))[0]!), undefined);
  assert.equal(tcpLimitsOf(listenerOf(config, WEB)).length, 1, 'tcp is still limited: only http was disabled');
});

test('Envoy: onRateLimit alone limits nothing', () => {
  const config = inboundSideConfig('envoy', [mrl('web', rules({ http: { onRateLimit: { status: 503 } } }))]);
  assert.deepEqual(listenerOf(config, WEB), listenerOf(inboundSideConfig('envoy', []), WEB));
});

test('Envoy: with PERMISSIVE mTLS both chains are limited, each after RBAC on the TLS chain', () => {
  const config = inboundSideConfig(
    'envoy',
    [mrl('web', rules({ http: { requestRate: { num: 5, interval: '1s' } } }))],
    { mtls: 'PERMISSIVE' },
  );
  const hcms = hcmsOf(listenerOf(config, WEB));
  assert.deepEqual(hcms.map(httpFilterNames), [
    ['envoy.filters.http.rbac', 'envoy.filters.http.local_ratelimit', 'envoy.filters.http.router'],
    ['envoy.filters.http.local_ratelimit', 'envoy.filters.http.router'],
  ]);
});

/** The inbound routes of a connection manager (JSON), in the order Envoy tries them. */
const routesOf = (hcm: Record<string, any>): Record<string, any>[] => hcm['routeConfig']['virtualHosts'][0]['routes'];

/** The local rate limit a caller with these inbound tags (undefined: no x-kuma-tags) meets: its route's, else the filter's. */
function limitFor(
  hcm: Record<string, any>,
  callerTags: Record<string, string> | undefined,
): Record<string, any> | undefined {
  const header = callerTags === undefined ? undefined : tagsHeaderValue([callerTags]);
  const route = routesOf(hcm).find((r) => envoySelects(r['match']['headers'] ?? [], header));
  return route?.['typedPerFilterConfig']?.['envoy.filters.http.local_ratelimit'] ?? httpLimitOf(hcm);
}
const tokensFor = (hcm: Record<string, any>, callerTags: Record<string, string> | undefined) =>
  limitFor(hcm, callerTags)?.['tokenBucket']?.['maxTokens'];

const FRONTEND = { 'kuma.io/service': 'frontend', 'kuma.io/protocol': 'http' };
const perSecond = (num: number) => ({ local: { http: { requestRate: { num, interval: '1s' } } } });

test('Envoy: a from entry naming a service has a bucket of its own on routes matching its callers, ahead of the mesh’s', () => {
  const config = inboundSideConfig('envoy', [
    mrl('mixed', {
      from: [
        { targetRef: { kind: 'Mesh' }, default: perSecond(50) },
        { targetRef: { kind: 'MeshService', name: 'frontend' }, default: perSecond(1) },
      ],
    }),
  ]);
  const [hcm] = hcmsOf(listenerOf(config, WEB));
  assert.equal(httpLimitOf(hcm!)!['tokenBucket']['maxTokens'], 50);
  const [frontend, generated] = routesOf(hcm!);
  assert.deepEqual(frontend!['match'], {
    prefix: '/',
    headers: [
      { name: 'x-kuma-tags', stringMatch: { safeRegex: { regex: '.*&kuma\\.io/service=(?:[^&]*,)?frontend[,&].*' } } },
    ],
  });
  assert.deepEqual(frontend!['route'], generated!['route'], 'the same destination as the generated route');
  assert.equal(generated!['typedPerFilterConfig'], undefined);
  assert.equal(tokensFor(hcm!, FRONTEND), 1);
  assert.equal(tokensFor(hcm!, { 'kuma.io/service': 'billing' }), 50);
  assert.equal(tokensFor(hcm!, undefined), 50);
  assert.deepEqual(config.warnings, []);
});

test('Envoy: only some callers limited: the filter alone enforces nothing, their routes do', () => {
  const config = inboundSideConfig('envoy', [
    mrl('frontend-only', { from: [{ targetRef: { kind: 'MeshService', name: 'frontend' }, default: perSecond(2) }] }),
  ]);
  const [hcm] = hcmsOf(listenerOf(config, WEB));
  assert.deepEqual(httpLimitOf(hcm!), {
    '@type': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
    statPrefix: 'inbound_10_0_0_1_8080',
  });
  assert.equal(tokensFor(hcm!, FRONTEND), 2);
  assert.equal(
    limitFor(hcm!, { 'kuma.io/service': 'billing' })!['filterEnabled'],
    undefined,
    'other callers meet a limit that is never enabled',
  );
});

test('Envoy: a more specific group is exempt from the limits of the groups it is in', () => {
  const exempt = inboundSideConfig('envoy', [
    mrl('groups', {
      from: [
        { targetRef: { kind: 'Mesh' }, default: perSecond(50) },
        { targetRef: { kind: 'MeshService', name: 'frontend' }, default: perSecond(5) },
        {
          targetRef: { kind: 'MeshServiceSubset', name: 'frontend', tags: { version: 'v2' } },
          default: { local: { http: { disabled: true } } },
        },
      ],
    }),
  ]);
  const [exemptHcm] = hcmsOf(listenerOf(exempt, WEB));
  assert.equal(
    limitFor(exemptHcm!, { ...FRONTEND, version: 'v2' })!['filterEnabled'],
    undefined,
    'frontend v2 is not limited',
  );
  assert.equal(tokensFor(exemptHcm!, { ...FRONTEND, version: 'v1' }), 5);
  assert.equal(tokensFor(exemptHcm!, { 'kuma.io/service': 'billing', version: 'v2' }), 50);
});

test('Envoy: a connection limit naming some callers is reported: a connection does not say who opened it', () => {
  const config = inboundSideConfig('envoy', [
    mrl('conns', {
      from: [
        {
          targetRef: { kind: 'MeshService', name: 'frontend' },
          default: { local: { tcp: { connectionRate: { num: 1, interval: '1s' } } } },
        },
      ],
    }),
  ]);
  assert.deepEqual(tcpLimitsOf(listenerOf(config, CACHE)), []);
  assert.deepEqual(listenerOf(config, WEB), listenerOf(inboundSideConfig('envoy', []), WEB));
  assert.deepEqual(config.warnings, [
    'MeshRateLimit: conns: from[0] (MeshService) local.tcp not applied: connection limits cannot tell callers apart; use a Mesh source',
  ]);
});

test('gRPC: no rate limit filter exists; the policy is reported and nothing changes', () => {
  const spec = rules({ http: { requestRate: { num: 5, interval: '1s' } } });
  const config = inboundSideConfig('grpc', [mrl('web', spec)]);
  assert.deepEqual(config.warnings, ['MeshRateLimit: not applied: grpc-js-xds has no rate limit filter']);
  assert.deepEqual(
    config.resources.map((r) => r.any.value),
    inboundSideConfig('grpc', []).resources.map((r) => r.any.value),
  );
});

const GOLDEN: Record<string, () => string> = {
  'envoy-http-and-tcp': () =>
    goldenText(
      inboundSideConfig('envoy', [
        mrl(
          'limits',
          rules({
            http: {
              requestRate: { num: 100, interval: '1s' },
              onRateLimit: { status: 429, headers: { add: [{ name: 'x-kuma-rate-limited', value: 'true' }] } },
            },
            tcp: { connectionRate: { num: 20, interval: '10s' } },
          }),
        ),
      ]),
      inboundSideGolden,
    ),
  'envoy-per-caller': () =>
    goldenText(
      inboundSideConfig('envoy', [
        mrl('per-caller', {
          from: [
            {
              targetRef: { kind: 'Mesh' },
              default: {
                local: {
                  http: { requestRate: { num: 100, interval: '1s' } },
                  tcp: { connectionRate: { num: 20, interval: '10s' } },
                },
              },
            },
            {
              targetRef: { kind: 'MeshService', name: 'frontend' },
              default: { local: { http: { requestRate: { num: 10, interval: '1s' }, onRateLimit: { status: 503 } } } },
            },
            {
              targetRef: { kind: 'MeshSubset', tags: { team: 'ops' } },
              default: { local: { http: { disabled: true } } },
            },
          ],
        }),
      ]),
      inboundSideGolden,
    ),
};

for (const [name, text] of Object.entries(GOLDEN)) {
  test(`${name} equals its golden file`, () => expectGolden(join(testdata, `${name}.golden.json`), text()));
}
