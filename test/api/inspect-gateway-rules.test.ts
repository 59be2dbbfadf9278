/**
 * Builtin gateways through a real control plane's REST API: policies whose
 * top-level targetRef is a MeshGateway select the gateway Dataplanes it
 * serves (their `_rules`), `GET /meshes/{mesh}/meshgateways/{name}/_rules`
 * answers in Kuma's shape, and a builtin gateway's configuration builds.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { apiGet, startTestControlPlane } from '../cli/harness.js';
import { putOk } from '../support/json-call.js';

const MESH = 'edge';
const GATEWAY_RULES = `/meshes/${MESH}/meshgateways/public/_rules`;

const RESOURCES: [string, Record<string, unknown>][] = [
  [`/meshes/${MESH}`, { type: 'Mesh', name: MESH, skipCreatingInitialPolicies: ['*'] }],
  [
    `/meshes/${MESH}/meshgateways/public`,
    {
      type: 'MeshGateway',
      mesh: MESH,
      name: 'public',
      labels: { team: 'edge' },
      selectors: [{ match: { 'kuma.io/service': 'edge-gw' } }],
      conf: { listeners: [{ port: 8080, protocol: 'HTTP', tags: { port: 'http' } }] },
    },
  ],
  [
    `/meshes/${MESH}/dataplanes/edge-1`,
    {
      type: 'Dataplane',
      mesh: MESH,
      name: 'edge-1',
      networking: { address: '10.0.0.5', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge-gw' } } },
    },
  ],
  [
    `/meshes/${MESH}/dataplanes/web-1`,
    {
      type: 'Dataplane',
      mesh: MESH,
      name: 'web-1',
      networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }] },
    },
  ],
  [
    `/meshes/${MESH}/meshtimeouts/on-gateway`,
    {
      type: 'MeshTimeout',
      mesh: MESH,
      name: 'on-gateway',
      spec: {
        targetRef: { kind: 'MeshGateway', name: 'public', tags: { port: 'http' } },
        to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '20s' } }],
      },
    },
  ],
  [
    `/meshes/${MESH}/meshproxypatches/on-gateway`,
    {
      type: 'MeshProxyPatch',
      mesh: MESH,
      name: 'on-gateway',
      spec: {
        targetRef: { kind: 'MeshGateway', name: 'public' },
        default: {
          appendModifications: [
            { cluster: { operation: 'Add', value: 'name: extra\nconnectTimeout: 5s\ntype: STATIC' } },
          ],
        },
      },
    },
  ],
];

let cp: RunningControlPlane;

const put = (path: string, body: unknown): Promise<void> => putOk(cp.apiUrl, path, body);

interface KumaRules {
  resource: { type: string; name: string; mesh: string; labels: Record<string, string> };
  rules: { type: string; toRules: { origin: { name: string }[] }[]; proxyRule?: { origin: { name: string }[] } }[];
}

const kinds = (body: unknown): string[] => (body as KumaRules).rules.map((rule) => rule.type);

/** The answer once the engine, which follows the store asynchronously, has taken in every write so far. */
async function settledAnswer(path: string): Promise<unknown> {
  await cp.settled();
  const { status, body } = await apiGet(cp.apiUrl, path);
  assert.equal(status, 200, JSON.stringify(body));
  return body;
}

before(async () => {
  cp = await startTestControlPlane();
  for (const [path, body] of RESOURCES) await put(path, body);
});
after(() => cp.close());

test("a MeshGateway's _rules lists the policies that select the gateways it serves, in Kuma's shape", async () => {
  const body = (await settledAnswer(GATEWAY_RULES)) as KumaRules;
  const { labels, ...meta } = body.resource;
  assert.deepEqual(meta, { mesh: MESH, name: 'public', type: 'MeshGateway' });
  assert.equal(labels['team'], 'edge', "the MeshGateway's own labels");
  assert.deepEqual(kinds(body), ['MeshTimeout', 'MeshProxyPatch']);
  assert.deepEqual(
    body.rules[0]!.toRules.map((rule) => rule.origin.map((o) => o.name)),
    [['on-gateway']],
  );
  assert.deepEqual(
    body.rules[1]!.proxyRule?.origin.map((o) => o.name),
    ['on-gateway'],
  );
});

test('a builtin gateway Dataplane is selected by those policies, a sidecar is not', async () => {
  const gateway = await settledAnswer(`/meshes/${MESH}/dataplanes/edge-1/_rules`);
  assert.deepEqual(kinds(gateway), ['MeshTimeout', 'MeshProxyPatch']);
  const { status, body } = await apiGet(cp.apiUrl, `/meshes/${MESH}/dataplanes/web-1/_rules`);
  assert.equal(status, 200);
  assert.deepEqual(kinds(body), []);
});

test("a builtin gateway's configuration builds with the policies that target it", async () => {
  assert.deepEqual(kinds(await settledAnswer(`/meshes/${MESH}/dataplanes/edge-1/_rules`)), [
    'MeshTimeout',
    'MeshProxyPatch',
  ]);
  const { status, body } = await apiGet(cp.apiUrl, `/meshes/${MESH}/dataplanes/edge-1/_config`);
  assert.equal(status, 200, JSON.stringify(body));
  assert.ok(typeof (body as { xds?: unknown }).xds === 'object');
});

test('an unknown MeshGateway is a 404 titled as Kuma titles it', async () => {
  const { status, body } = await apiGet(cp.apiUrl, `/meshes/${MESH}/meshgateways/nope/_rules`);
  assert.equal(status, 404);
  assert.deepEqual(
    { title: (body as { title?: string }).title, detail: (body as { detail?: string }).detail },
    { title: 'Could not retrieve MeshGateway', detail: 'Not found' },
  );
});

test('an unknown mesh is a 404 titled as Kuma titles it', async () => {
  const { status, body } = await apiGet(cp.apiUrl, '/meshes/nope/meshgateways/public/_rules');
  assert.equal(status, 404);
  assert.deepEqual(
    { title: (body as { title?: string }).title, detail: (body as { detail?: string }).detail },
    { title: 'Failed to retrieve Mesh', detail: 'Not found' },
  );
});

test('a MeshGateway that serves no gateway yet still answers, with no rules when nothing targets it', async () => {
  await put(`/meshes/${MESH}/meshgateways/internal`, {
    type: 'MeshGateway',
    mesh: MESH,
    name: 'internal',
    selectors: [{ match: { 'kuma.io/service': 'internal-gw' } }],
    conf: { listeners: [{ port: 9090, protocol: 'TCP' }] },
  });
  const { status, body } = await apiGet(cp.apiUrl, `/meshes/${MESH}/meshgateways/internal/_rules`);
  assert.equal(status, 200);
  const { httpMatches, resource, rules } = body as KumaRules & { httpMatches: unknown[] };
  assert.deepEqual([httpMatches, resource.name, resource.type, rules], [[], 'internal', 'MeshGateway', []]);
});
