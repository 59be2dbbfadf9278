/**
 * A proxy's parts and their policies by KRI, through a real control plane's
 * REST API: `_layout`, `_policies`, `_inbounds/{kri}/_policies`,
 * `_outbounds/{kri}/_policies`, `_outbounds/{kri}/_routes` and
 * `_outbounds/{kri}/_routes/{kri}/_policies`, and what each answers to a KRI
 * that is malformed, of the wrong kind or names nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { apiGet, startTestControlPlane } from '../cli/harness.js';
import { putOk } from '../support/json-call.js';

const MESH = 'lay';
const DP = `/meshes/${MESH}/dataplanes/web-1`;
const BACKEND_HTTP = 'kri_msvc_lay_default__backend_http';
const BACKEND_TCP = 'kri_msvc_lay_default__backend_8080';
/** What a Dataplane written in zone `default` reads back with: its own label and those the control plane computes. */
const WEB_LABELS = {
  'kuma.io/zone': 'default',
  'kuma.io/mesh': MESH,
  'kuma.io/origin': 'zone',
  'kuma.io/env': 'universal',
  'kuma.io/proxy-type': 'sidecar',
};
/** What the control plane adds to the labels of every policy and service written in this zone. */
const ZONE_LABELS = {
  'kuma.io/env': 'universal',
  'kuma.io/mesh': MESH,
  'kuma.io/origin': 'zone',
  'kuma.io/zone': 'default',
};
const ROUTE = 'kri_mhttpr_lay_default__route-a_';

const RESOURCES: [string, Record<string, unknown>][] = [
  [
    '/meshes/lay',
    { type: 'Mesh', name: MESH, meshServices: { mode: 'Exclusive' }, skipCreatingInitialPolicies: ['*'] },
  ],
  ['/meshes/plain', { type: 'Mesh', name: 'plain' }],
  [
    DP,
    {
      type: 'Dataplane',
      mesh: MESH,
      name: 'web-1',
      labels: { 'kuma.io/zone': 'default' },
      networking: {
        address: '10.0.0.1',
        inbound: [
          { port: 8080, name: 'main', tags: { 'kuma.io/service': 'web', 'kuma.io/protocol': 'http' } },
          { port: 8081, tags: { 'kuma.io/service': 'web' } },
        ],
      },
    },
  ],
  [
    '/meshes/plain/dataplanes/web-1',
    {
      type: 'Dataplane',
      mesh: 'plain',
      name: 'web-1',
      networking: { address: '10.0.0.9', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }] },
    },
  ],
  [
    `/meshes/${MESH}/meshservices/backend`,
    {
      type: 'MeshService',
      mesh: MESH,
      name: 'backend',
      labels: { 'kuma.io/display-name': 'backend', 'kuma.io/zone': 'default' },
      spec: {
        selector: { dataplaneTags: { 'kuma.io/service': 'backend' } },
        ports: [
          { name: 'http', port: 80, targetPort: 8080, appProtocol: 'http' },
          { port: 8080, targetPort: 8080 },
        ],
      },
    },
  ],
  [
    `/meshes/${MESH}/meshtraces/tracing`,
    {
      type: 'MeshTrace',
      mesh: MESH,
      name: 'tracing',
      spec: {
        targetRef: { kind: 'Mesh' },
        default: { backends: [{ type: 'Zipkin', zipkin: { url: 'http://zipkin:9411/api/v2/spans' } }] },
      },
    },
  ],
  [
    `/meshes/${MESH}/meshtimeouts/inbound`,
    {
      type: 'MeshTimeout',
      mesh: MESH,
      name: 'inbound',
      spec: { targetRef: { kind: 'Mesh' }, rules: [{ default: { idleTimeout: '60s' } }] },
    },
  ],
  [
    `/meshes/${MESH}/meshtimeouts/outbound`,
    {
      type: 'MeshTimeout',
      mesh: MESH,
      name: 'outbound',
      spec: {
        targetRef: { kind: 'Mesh' },
        to: [
          { targetRef: { kind: 'Mesh' }, default: { idleTimeout: '1h' } },
          {
            targetRef: { kind: 'MeshService', labels: { 'kuma.io/display-name': 'backend' }, sectionName: 'http' },
            default: { connectionTimeout: '2s' },
          },
        ],
      },
    },
  ],
  [
    `/meshes/${MESH}/meshhttproutes/route-a`,
    {
      type: 'MeshHTTPRoute',
      mesh: MESH,
      name: 'route-a',
      spec: {
        targetRef: { kind: 'Mesh' },
        to: [
          {
            targetRef: { kind: 'MeshService', labels: { 'kuma.io/display-name': 'backend' } },
            rules: [
              {
                matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
                default: { backendRefs: [{ kind: 'MeshService', name: 'backend', port: 80 }] },
              },
            ],
          },
        ],
      },
    },
  ],
  [
    `/meshes/${MESH}/meshtimeouts/on-route`,
    {
      type: 'MeshTimeout',
      mesh: MESH,
      name: 'on-route',
      spec: {
        targetRef: { kind: 'MeshHTTPRoute', name: 'route-a' },
        to: [{ targetRef: { kind: 'Mesh' }, default: { http: { requestTimeout: '5s' } } }],
      },
    },
  ],
];

let cp: RunningControlPlane;

const put = (path: string, body: unknown): Promise<void> => putOk(cp.apiUrl, path, body);

before(async () => {
  cp = await startTestControlPlane();
  for (const [path, body] of RESOURCES) await put(path, body);
  // The engine follows the store asynchronously: every test reads what it has taken in.
  await cp.settled();
});
after(() => cp.close());

test('_layout names the inbounds by section and every MeshService port the proxy reaches', async () => {
  const { status, body } = await apiGet(cp.apiUrl, `${DP}/_layout`);
  assert.equal(status, 200);
  assert.deepEqual(body, {
    kri: 'kri_dp_lay_default__web-1_',
    labels: WEB_LABELS,
    inbounds: [
      {
        kri: 'kri_dp_lay_default__web-1_main',
        port: 8080,
        protocol: 'http',
        proxyResourceName: 'self_inbound_dp_main',
      },
      { kri: 'kri_dp_lay_default__web-1_8081', port: 8081, protocol: 'tcp', proxyResourceName: 'self_inbound_dp_8081' },
    ],
    listeners: [],
    outbounds: [
      { kri: BACKEND_TCP, port: 8080, protocol: 'tcp', proxyResourceName: BACKEND_TCP },
      { kri: BACKEND_HTTP, port: 80, protocol: 'http', proxyResourceName: BACKEND_HTTP },
    ],
  });
});

test('_policies merges the top-level defaults, with the fields Kuma always prints', async () => {
  const { body } = await apiGet(cp.apiUrl, `${DP}/_policies`);
  assert.deepEqual(body, {
    policies: [
      {
        kind: 'MeshTrace',
        conf: {
          backends: [
            {
              type: 'Zipkin',
              zipkin: { traceId128bit: false, sharedSpanContext: true, url: 'http://zipkin:9411/api/v2/spans' },
            },
          ],
        },
        origins: [{ kri: 'kri_mtr_lay_default__tracing_' }],
      },
    ],
  });
});

test('_inbounds/{kri}/_policies lists the rules of the inbound, durations as Go writes them', async () => {
  for (const section of ['main', '8081']) {
    const { status, body } = await apiGet(cp.apiUrl, `${DP}/_inbounds/kri_dp_lay_default__web-1_${section}/_policies`);
    assert.equal(status, 200);
    assert.deepEqual(body, {
      policies: [
        {
          kind: 'MeshTimeout',
          origins: [{ kri: 'kri_mt_lay_default__inbound_' }],
          rules: [{ conf: { idleTimeout: '1m0s' }, kri: 'kri_mt_lay_default__inbound_' }],
        },
      ],
    });
  }
});

test('_outbounds/{kri}/_policies merges the to[] entries covering that port of the destination', async () => {
  const http = await apiGet(cp.apiUrl, `${DP}/_outbounds/${BACKEND_HTTP}/_policies`);
  assert.deepEqual(http.body, {
    policies: [
      {
        kind: 'MeshTimeout',
        conf: [{ idleTimeout: '1h0m0s', connectionTimeout: '2s' }],
        origins: [{ kri: 'kri_mt_lay_default__outbound_' }],
      },
    ],
  });
  const tcp = await apiGet(cp.apiUrl, `${DP}/_outbounds/${BACKEND_TCP}/_policies`);
  assert.deepEqual(tcp.body, {
    policies: [
      { kind: 'MeshTimeout', conf: [{ idleTimeout: '1h0m0s' }], origins: [{ kri: 'kri_mt_lay_default__outbound_' }] },
    ],
  });
});

test('_outbounds/{kri}/_routes lists the MeshHTTPRoute rules to the destination, backendRefs weighted', async () => {
  const { body } = await apiGet(cp.apiUrl, `${DP}/_outbounds/${BACKEND_HTTP}/_routes`);
  assert.deepEqual(body, {
    routes: [
      {
        kind: 'MeshHTTPRoute',
        origins: [{ kri: ROUTE }],
        rules: [
          {
            conf: { backendRefs: [{ weight: 1, kind: 'MeshService', name: 'backend', port: 80 }] },
            kri: ROUTE,
            matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
          },
        ],
      },
    ],
  });
});

test('_routes/{kri}/_policies gives the route what targets it over what its destination gets', async () => {
  const { body } = await apiGet(cp.apiUrl, `${DP}/_outbounds/${BACKEND_HTTP}/_routes/${ROUTE}/_policies`);
  assert.deepEqual(body, {
    policies: [
      {
        kind: 'MeshTimeout',
        conf: [{ idleTimeout: '1h0m0s', connectionTimeout: '2s', http: { requestTimeout: '5s' } }],
        origins: [{ kri: 'kri_mt_lay_default__outbound_' }, { kri: 'kri_mt_lay_default__on-route_' }],
      },
    ],
  });
});

async function refusal(path: string, status: number, detail: RegExp): Promise<void> {
  const answer = await apiGet(cp.apiUrl, path);
  assert.equal(answer.status, status, `${path}: ${JSON.stringify(answer.body)}`);
  const body = answer.body as { type: string; status: number; detail: string };
  assert.equal(body.type, '/std-errors');
  assert.equal(body.status, status);
  assert.match(body.detail, detail, path);
}

test('a malformed KRI is a 400 that quotes it', async () => {
  await refusal(`${DP}/_inbounds/invalid-kri/_policies`, 400, /invalid identifier string: "invalid-kri"/);
  await refusal(`${DP}/_inbounds/id_dp_lay_default__web-1_main/_policies`, 400, /must start with 'kri'/);
  await refusal(`${DP}/_outbounds/invalid-kri/_policies`, 400, /invalid identifier string/);
  await refusal(`${DP}/_outbounds/invalid-kri/_routes`, 400, /invalid identifier string/);
  await refusal(`${DP}/_outbounds/${BACKEND_HTTP}/_routes/kri_mhttpr/_policies`, 400, /invalid identifier string/);
});

test('a KRI of the wrong kind, or of another Dataplane, is a 400 that says what was expected', async () => {
  await refusal(`${DP}/_inbounds/${BACKEND_HTTP}/_policies`, 400, /does not identify a Dataplane inbound/);
  await refusal(`${DP}/_inbounds/kri_dp_lay_default__web-2_main/_policies`, 400, /identifies another Dataplane/);
  await refusal(
    `${DP}/_outbounds/kri_dp_lay_default__web-1_main/_routes`,
    400,
    /does not identify a MeshService, MeshExternalService or MeshMultiZoneService/,
  );
  await refusal(
    `${DP}/_outbounds/${BACKEND_HTTP}/_routes/kri_mt_lay_default__outbound_/_policies`,
    400,
    /does not identify a MeshHTTPRoute/,
  );
});

test('an unknown mesh, Dataplane or inbound is a 404', async () => {
  await refusal('/meshes/nope/dataplanes/web-1/_layout', 404, /Mesh "nope" not found/);
  await refusal(`/meshes/${MESH}/dataplanes/nope/_policies`, 404, /Dataplane "nope"/);
  await refusal(`/meshes/${MESH}/dataplanes/nope/_outbounds/${BACKEND_HTTP}/_routes`, 404, /Dataplane "nope"/);
  await refusal(`${DP}/_inbounds/kri_dp_lay_default__web-1_9999/_policies`, 404, /inbound "9999"/);
});

test('a mesh without MeshServices has no layout or policies by KRI to show', async () => {
  await refusal(
    '/meshes/plain/dataplanes/web-1/_layout',
    400,
    /can't use _layout endpoint without meshService enabled/,
  );
  await refusal('/meshes/plain/dataplanes/web-1/_policies', 400, /can't use _policies endpoint/);
});

test("_rules answers in Kuma's shape: rules per kind, per inbound and per destination resource", async () => {
  const { status, body } = await apiGet(cp.apiUrl, `${DP}/_rules`);
  assert.equal(status, 200);
  const answer = body as {
    resource: unknown;
    httpMatches: { hash: string; match: unknown }[];
    rules: { type: string; [key: string]: unknown }[];
  };
  assert.deepEqual(answer.resource, { labels: WEB_LABELS, mesh: MESH, name: 'web-1', type: 'Dataplane' });
  assert.deepEqual(answer.httpMatches, [
    // Kuma's key for these matches: base64 SHA-256 of their JSON, as Kuma writes it.
    { hash: 'waFsoIISmZDTfFWYqxvY265/GASHYEWvHQTwMh/bpuU=', match: [{ path: { type: 'PathPrefix', value: '/api' } }] },
  ]);
  assert.deepEqual(
    answer.rules.map((rule) => rule.type),
    ['MeshHTTPRoute', 'MeshTrace', 'MeshTimeout'],
    'kinds in the order they apply',
  );
  const timeouts = answer.rules.find((rule) => rule.type === 'MeshTimeout')!;
  const inbound = {
    resourceMeta: { labels: ZONE_LABELS, mesh: MESH, name: 'inbound', type: 'MeshTimeout' },
    ruleIndex: 0,
  };
  assert.deepEqual(timeouts['inboundRules'], [
    {
      inbound: { name: 'main', port: 8080, tags: { 'kuma.io/service': 'web', 'kuma.io/protocol': 'http' } },
      rules: [{ conf: [{ idleTimeout: '1m0s' }], origin: [inbound] }],
    },
    {
      inbound: { port: 8081, tags: { 'kuma.io/service': 'web' } },
      rules: [{ conf: [{ idleTimeout: '1m0s' }], origin: [inbound] }],
    },
  ]);
  const outbound = { labels: ZONE_LABELS, mesh: MESH, name: 'outbound', type: 'MeshTimeout' };
  assert.deepEqual(timeouts['toResourceRules'], [
    {
      conf: [{ idleTimeout: '1h0m0s', connectionTimeout: '2s' }],
      origin: [
        { resourceMeta: outbound, ruleIndex: 0 },
        { resourceMeta: outbound, ruleIndex: 1 },
      ],
      resourceMeta: {
        labels: { ...ZONE_LABELS, 'kuma.io/display-name': 'backend' },
        mesh: MESH,
        name: 'backend',
        type: 'MeshService',
      },
      resourceSectionName: 'http',
    },
    {
      conf: [{ idleTimeout: '1h0m0s' }],
      origin: [{ resourceMeta: outbound, ruleIndex: 0 }],
      resourceMeta: { labels: {}, mesh: '', name: MESH, type: 'Mesh' },
      resourceSectionName: '',
    },
  ]);
  const trace = answer.rules.find((rule) => rule.type === 'MeshTrace')!;
  assert.deepEqual((trace['proxyRule'] as { origin: unknown }).origin, [
    { labels: ZONE_LABELS, mesh: MESH, name: 'tracing', type: 'MeshTrace' },
  ]);
});

test("_rules?format=koguma keeps Koguma's explanation; another format is a 400", async () => {
  const koguma = await apiGet(cp.apiUrl, `${DP}/_rules?format=koguma`);
  assert.equal(koguma.status, 200);
  const policies = (koguma.body as { policies: { kind: string; matched: { name: string }[] }[] }).policies;
  assert.deepEqual(
    policies.find((p) => p.kind === 'MeshTimeout')?.matched.map((m) => m.name),
    ['outbound', 'inbound', 'on-route'],
  );
  await refusal(`${DP}/_rules?format=yaml`, 400, /invalid|not valid/i);
});
