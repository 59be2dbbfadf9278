// The test kit first: it loads grpc-js-xds, which must be set up before its inner modules are imported.
import {
  CACHE,
  envoySelects,
  expectGolden,
  findResource,
  goldenText,
  grpcDecoded,
  hcmsOf,
  httpFilterNames,
  inboundSideConfig,
  inboundSideGolden,
  listenerOf,
  srcPath,
  storedPolicy,
  WEB,
} from '../core/testkit/index.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { toJson } from '@bufbuild/protobuf';
import { parseTopLevelFilterConfig } from '@grpc/grpc-js-xds/build/src/http-filter.js';
import { decodeSingleResource, HTTP_CONNECTION_MANGER_TYPE_URL } from '@grpc/grpc-js-xds/build/src/resources.js';
import { fractionalPercent } from '../../xds/generate/builders/index.js';
import { FractionalPercentSchema } from '../../xds/envoy/gen/envoy/type/v3/percent_pb.js';
import { TypeUrl } from '../../xds/resource-types.js';
import { tagsHeaderValue } from '../../xds/generate/tags-header.js';
import { bandwidthKbps } from './bandwidth.js';

const testdata = srcPath('src/policies/meshfaultinjection/testdata');

const mfi = (name: string, spec: Record<string, unknown>) => storedPolicy('MeshFaultInjection', name, spec);
const fromMesh = (...http: unknown[]) => ({ from: [{ targetRef: { kind: 'Mesh' }, default: { http } }] });
const abort = (httpStatus: number, percentage: number | string) => ({ abort: { httpStatus, percentage } });

/** The typed config of every fault filter of a connection manager (JSON). */
const faultsOf = (hcm: Record<string, any>): Record<string, any>[] =>
  (hcm['httpFilters'] as Record<string, any>[])
    .filter((f) => f['name'].startsWith('envoy.filters.http.fault'))
    .map((f) => f['typedConfig']);

test('a share becomes a fraction over a hundred when whole, over a million when finer', () => {
  const cases: [number, number, string][] = [
    [50, 50, 'HUNDRED'],
    [100, 100, 'HUNDRED'],
    [0, 0, 'HUNDRED'],
    [2.5, 25000, 'MILLION'],
    [0.0001, 1, 'MILLION'],
    [33.333333, 333333, 'MILLION'],
  ];
  for (const [percentage, numerator, denominator] of cases) {
    const json = toJson(FractionalPercentSchema, fractionalPercent(percentage), { alwaysEmitImplicit: true });
    assert.deepEqual(json, { numerator, denominator }, String(percentage));
  }
});

test('bandwidths are read in kbps', () => {
  assert.equal(bandwidthKbps('10kbps'), 10);
  assert.equal(bandwidthKbps('50 Mbps'), 50_000);
  assert.equal(bandwidthKbps('1Gbps'), 1_000_000);
});

test('Envoy: a 50% abort from the whole mesh is a fault filter before the router of the HTTP inbound', () => {
  const config = inboundSideConfig('envoy', [mfi('abort-half', fromMesh(abort(503, 50)))]);
  const [hcm] = hcmsOf(listenerOf(config, WEB));
  assert.deepEqual(httpFilterNames(hcm!), ['envoy.filters.http.fault', 'envoy.filters.http.router']);
  assert.deepEqual(faultsOf(hcm!), [
    {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      abort: { httpStatus: 503, percentage: { numerator: 50 } },
    },
  ]);
  assert.deepEqual(config.warnings, []);
});

test('Envoy: a decimal share is kept to the millionth', () => {
  const config = inboundSideConfig('envoy', [mfi('abort-some', fromMesh(abort(500, '2.5')))]);
  const [fault] = faultsOf(hcmsOf(listenerOf(config, WEB))[0]!);
  assert.deepEqual(fault!['abort']['percentage'], { numerator: 25000, denominator: 'MILLION' });
});

test('Envoy: each http entry is its own filter, in list order, with abort, delay and bandwidth', () => {
  const config = inboundSideConfig('envoy', [
    mfi(
      'faults',
      fromMesh(abort(503, 10), {
        delay: { value: '1.5s', percentage: 20 },
        responseBandwidth: { limit: '10Mbps', percentage: 30 },
      }),
    ),
  ]);
  const [hcm] = hcmsOf(listenerOf(config, WEB));
  assert.deepEqual(httpFilterNames(hcm!), [
    'envoy.filters.http.fault',
    'envoy.filters.http.fault.1',
    'envoy.filters.http.router',
  ]);
  const [first, second] = faultsOf(hcm!);
  assert.deepEqual(first!['abort'], { httpStatus: 503, percentage: { numerator: 10 } });
  assert.deepEqual(second!['delay'], { fixedDelay: '1.500s', percentage: { numerator: 20 } });
  assert.deepEqual(second!['responseRateLimit'], { fixedLimit: { limitKbps: '10000' }, percentage: { numerator: 30 } });
});

test('Envoy: a TCP inbound, the outbounds and the local clusters are left as they were', () => {
  const without = inboundSideConfig('envoy', []);
  const withFaults = inboundSideConfig('envoy', [mfi('abort-half', fromMesh(abort(503, 50)))]);
  for (const name of [CACHE, 'outbound:127.0.0.1:10001', 'outbound:127.0.0.1:10002'])
    assert.deepEqual(listenerOf(withFaults, name), listenerOf(without, name), name);
  assert.notDeepEqual(listenerOf(withFaults, WEB), listenerOf(without, WEB));
});

test('Envoy: the more specific policy replaces the list of faults (lists are not merged)', () => {
  const config = inboundSideConfig('envoy', [
    mfi('mesh-wide', fromMesh(abort(503, 50), { delay: { value: '1s', percentage: 50 } })),
    mfi('web-only', {
      targetRef: { kind: 'Dataplane', name: 'web-1' },
      rules: [{ default: { http: [abort(418, 5)] } }],
    }),
  ]);
  const faults = faultsOf(hcmsOf(listenerOf(config, WEB))[0]!);
  assert.deepEqual(
    faults.map((f) => f['abort']),
    [{ httpStatus: 418, percentage: { numerator: 5 } }],
  );
});

/** What a caller whose sidecar sends these inbound tags (or no x-kuma-tags: undefined) gets from the fault filters, by abort status. */
function abortsFor(hcm: Record<string, any>, callerTags: Record<string, string> | undefined): number[] {
  const header = callerTags === undefined ? undefined : tagsHeaderValue([callerTags]);
  return faultsOf(hcm)
    .filter((fault) => envoySelects(fault['headers'] ?? [], header))
    .map((fault) => fault['abort']['httpStatus']);
}

const FRONTEND = { 'kuma.io/service': 'frontend', 'kuma.io/protocol': 'http' };

test('Envoy: a from entry naming a service injects its faults into that service’s calls only, the Mesh entry into everyone else’s', () => {
  const config = inboundSideConfig('envoy', [
    mfi('mixed', {
      from: [
        { targetRef: { kind: 'Mesh' }, default: { http: [abort(503, 50)] } },
        { targetRef: { kind: 'MeshService', name: 'frontend' }, default: { http: [abort(500, 100)] } },
      ],
    }),
  ]);
  const [hcm] = hcmsOf(listenerOf(config, WEB));
  assert.deepEqual(httpFilterNames(hcm!), [
    'envoy.filters.http.fault',
    'envoy.filters.http.fault.1',
    'envoy.filters.http.router',
  ]);
  const frontendOnly = {
    name: 'x-kuma-tags',
    stringMatch: { safeRegex: { regex: '.*&kuma\\.io/service=(?:[^&]*,)?frontend[,&].*' } },
  };
  assert.deepEqual(
    faultsOf(hcm!).map((f) => f['headers']),
    [[frontendOnly], [{ ...frontendOnly, invertMatch: true, treatMissingHeaderAsEmpty: true }]],
  );
  assert.deepEqual(abortsFor(hcm!, FRONTEND), [500]);
  assert.deepEqual(abortsFor(hcm!, { 'kuma.io/service': 'my-frontend' }), [503]);
  assert.deepEqual(abortsFor(hcm!, { 'kuma.io/service': 'admin' }), [503]);
  assert.deepEqual(
    abortsFor(hcm!, undefined),
    [503],
    'a caller without the header (outside the mesh, proxyless) is in the whole mesh',
  );
  assert.deepEqual(config.warnings, []);
});

test('Envoy: the most specific group wins where groups overlap, and an entry with no faults exempts its callers', () => {
  const config = inboundSideConfig('envoy', [
    mfi('groups', {
      from: [
        { targetRef: { kind: 'Mesh' }, default: { http: [abort(503, 50)] } },
        { targetRef: { kind: 'MeshSubset', tags: { version: 'v2' } }, default: { http: [abort(502, 10)] } },
        { targetRef: { kind: 'MeshService', name: 'frontend' }, default: { http: [abort(500, 100)] } },
        { targetRef: { kind: 'MeshServiceSubset', name: 'frontend', tags: { version: 'v2' } }, default: { http: [] } },
      ],
    }),
  ]);
  const [hcm] = hcmsOf(listenerOf(config, WEB));
  assert.deepEqual(abortsFor(hcm!, { ...FRONTEND, version: 'v2' }), [], 'frontend v2: its own entry, no faults');
  assert.deepEqual(abortsFor(hcm!, { ...FRONTEND, version: 'v1' }), [500]);
  assert.deepEqual(abortsFor(hcm!, { 'kuma.io/service': 'billing', version: 'v2' }), [502]);
  assert.deepEqual(abortsFor(hcm!, { 'kuma.io/service': 'billing', version: 'v1' }), [503]);
});

test('Envoy: a more specific policy overrides a caller group’s faults; a rules[] policy applies to every caller', () => {
  const config = inboundSideConfig('envoy', [
    mfi('mesh-wide', {
      from: [
        { targetRef: { kind: 'Mesh' }, default: { http: [abort(503, 50)] } },
        { targetRef: { kind: 'MeshService', name: 'frontend' }, default: { http: [abort(500, 100)] } },
      ],
    }),
    mfi('web-only', {
      targetRef: { kind: 'Dataplane', name: 'web-1' },
      rules: [{ default: { http: [abort(418, 5)] } }],
    }),
  ]);
  const [hcm] = hcmsOf(listenerOf(config, WEB));
  assert.deepEqual(abortsFor(hcm!, FRONTEND), [418]);
  assert.deepEqual(abortsFor(hcm!, undefined), [418]);
});

test('Envoy: a status Envoy cannot abort with is reported, not sent', () => {
  const config = inboundSideConfig('envoy', [mfi('early', fromMesh(abort(103, 50)))]);
  assert.deepEqual(httpFilterNames(hcmsOf(listenerOf(config, WEB))[0]!), ['envoy.filters.http.router']);
  assert.match(config.warnings[0]!, /abort not applied: Envoy aborts with a status from 200 to 599, not 103/);
});

test('Envoy: with PERMISSIVE mTLS both the TLS and the plaintext chain inject the fault', () => {
  const config = inboundSideConfig('envoy', [mfi('abort-half', fromMesh(abort(503, 50)))], { mtls: 'PERMISSIVE' });
  const hcms = hcmsOf(listenerOf(config, WEB));
  assert.equal(hcms.length, 2);
  for (const hcm of hcms) assert.equal(faultsOf(hcm).length, 1);
  assert.deepEqual(httpFilterNames(hcms[0]!), [
    'envoy.filters.http.rbac',
    'envoy.filters.http.fault',
    'envoy.filters.http.router',
  ]);
});

test('Envoy: to configures built-in gateways only; a sidecar reports it and keeps its outbounds', () => {
  const spec = { to: [{ targetRef: { kind: 'Mesh' }, default: { http: [abort(503, 50)] } }] };
  const config = inboundSideConfig('envoy', [mfi('outbound', spec)]);
  assert.deepEqual(config.warnings, [
    'MeshFaultInjection: to not applied: it configures built-in gateways only, and this proxy is a sidecar',
  ]);
  assert.deepEqual(
    listenerOf(config, 'outbound:127.0.0.1:10001'),
    listenerOf(inboundSideConfig('envoy', []), 'outbound:127.0.0.1:10001'),
  );
});

test('gRPC: a 50% abort in to is a fault filter on the client, which grpc-js-xds accepts as 50%', () => {
  const spec = {
    to: [
      {
        targetRef: { kind: 'Mesh' },
        default: { http: [abort(503, 50), { delay: { value: '200ms', percentage: 25 } }] },
      },
    ],
  };
  const config = inboundSideConfig('grpc', [mfi('client-faults', spec)]);
  const [hcm] = hcmsOf(listenerOf(config, 'backend'));
  assert.deepEqual(httpFilterNames(hcm!), [
    'envoy.filters.http.fault',
    'envoy.filters.http.fault.1',
    'envoy.filters.http.router',
  ]);
  // What grpc-js-xds's client makes of the filters it accepted: a 50/100 abort (503 as UNAVAILABLE) and a 25/100 delay.
  const listener = grpcDecoded(findResource(config, TypeUrl.Listener, 'backend'));
  const decodedHcm = decodeSingleResource(
    HTTP_CONNECTION_MANGER_TYPE_URL,
    listener['api_listener']['api_listener']['value'],
  );
  const [abortConfig, delayConfig] = decodedHcm.http_filters
    .slice(0, 2)
    .map((f: any) => parseTopLevelFilterConfig(f.typed_config, true)?.config);
  assert.deepEqual(abortConfig.abort, { kind: 'grpc', code: 14, percentage: { numerator: 50, denominator: 100 } });
  assert.deepEqual(delayConfig.delay, {
    kind: 'fixed',
    durationMs: 200,
    percentage: { numerator: 25, denominator: 100 },
  });
  // And why `from` is not applied: grpc-js-xds has no server side for this filter.
  assert.equal(parseTopLevelFilterConfig(decodedHcm.http_filters[0]!.typed_config!, false), null);
  assert.deepEqual(config.warnings, []);
});

test('gRPC: from and rules are reported (servers run no fault filter), and so is responseBandwidth', () => {
  const config = inboundSideConfig('grpc', [
    mfi('server', fromMesh(abort(503, 50))),
    mfi('client', {
      to: [
        {
          targetRef: { kind: 'Mesh' },
          default: { http: [{ responseBandwidth: { limit: '1Mbps', percentage: 100 } }] },
        },
      ],
    }),
  ]);
  assert.deepEqual(config.warnings, [
    'MeshFaultInjection: from and rules not applied: grpc-js-xds injects faults on clients only (a server listener with a fault filter is rejected); use to',
    "MeshFaultInjection: to backend.http[0].responseBandwidth not applied: grpc-js-xds's fault filter only aborts and delays",
    "MeshFaultInjection: to db.http[0].responseBandwidth not applied: grpc-js-xds's fault filter only aborts and delays",
  ]);
  const server = listenerOf(config, 'grpc/server?xds.resource.listening_address=10.0.0.1:8080');
  assert.deepEqual(httpFilterNames(hcmsOf(server)[0]!), ['envoy.filters.http.router']);
  assert.deepEqual(httpFilterNames(hcmsOf(listenerOf(config, 'backend'))[0]!), ['envoy.filters.http.router']);
});

const GOLDEN: Record<string, () => string> = {
  'envoy-from-mesh-strict-mtls': () =>
    goldenText(
      inboundSideConfig(
        'envoy',
        [
          mfi(
            'faults',
            fromMesh(abort(503, 50), {
              delay: { value: '2s', percentage: '12.5' },
              responseBandwidth: { limit: '100kbps', percentage: 10 },
            }),
          ),
        ],
        {
          mtls: 'STRICT',
        },
      ),
      inboundSideGolden,
    ),
  'envoy-from-per-caller': () =>
    goldenText(
      inboundSideConfig('envoy', [
        mfi('per-caller', {
          from: [
            { targetRef: { kind: 'Mesh' }, default: { http: [abort(503, 10)] } },
            {
              targetRef: { kind: 'MeshService', name: 'frontend' },
              default: { http: [abort(500, 50), { delay: { value: '1s', percentage: 20 } }] },
            },
            { targetRef: { kind: 'MeshSubset', tags: { version: 'canary' } }, default: { http: [] } },
          ],
        }),
      ]),
      inboundSideGolden,
    ),
  'grpc-to-abort-and-delay': () =>
    goldenText(
      inboundSideConfig('grpc', [
        mfi('faults', {
          to: [
            {
              targetRef: { kind: 'Mesh' },
              default: { http: [abort(503, 50), { delay: { value: '100ms', percentage: 10 } }] },
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
