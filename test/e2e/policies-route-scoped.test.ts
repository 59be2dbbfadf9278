/**
 * Policies that target one MeshHTTPRoute, with real proxyless peers: a
 * backend that answers after 1 s, and two running grpc-js-xds clients of it
 * (one marks its calls with a header), policies applied with `koguma apply`
 * in a mesh without the default policies.
 *
 *   marked client ──(x-report: yes)── route `reports` ── MeshTimeout 200ms on that route ─► DEADLINE_EXCEEDED
 *   plain client ──────────────────── catch-all route ────────────────────────────────────► answered after 1 s
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, cleanUp, freePort, startControlPlane, type ControlPlaneProcess } from '../support/proxyless.js';
import {
  applyBareMesh,
  applyWhileRunning,
  callsStartedSince,
  policyYaml,
  startPolicyBackend,
  startPolicyClient,
  tallyOf,
  type PolicyClient,
} from '../support/policy-e2e.js';

const MESH = 'route-scoped';

let cp: ControlPlaneProcess;

const policy = (kind: string, name: string, spec: string) => policyYaml(MESH, kind, name, spec);
const applyTo = (clients: readonly PolicyClient[], yaml: string): Promise<number> =>
  applyWhileRunning(cp, MESH, clients, yaml);

before(async () => {
  cp = await startControlPlane();
  await applyBareMesh(cp, MESH);
});

after(cleanUp);

describe('policies targeting a MeshHTTPRoute, with proxyless gRPC peers', () => {
  it('a MeshTimeout on one route times out the calls that route carries, and only those', async (t) => {
    await startPolicyBackend(cp, {
      mesh: MESH,
      service: 'reports',
      name: 'reports-1',
      version: 'v1',
      port: await freePort(),
      delayMs: 1_000,
    });
    const common = { mesh: MESH, service: 'reports', self: 'reports-client', rate: 5, deadlineMs: 5_000 } as const;
    const marked = startPolicyClient(cp, await freePort(), {
      ...common,
      name: 'reports-marked',
      headers: { 'x-report': 'yes' },
    });
    const plain = startPolicyClient(cp, await freePort(), { ...common, name: 'reports-plain' });
    for (const client of [marked, plain])
      assert.deepEqual(
        tallyOf(await callsStartedSince(client, 0, 3, 30_000)),
        { 'reports-1': 3 },
        `${client.name} before any policy`,
      );

    await applyTo(
      [marked, plain],
      policy(
        'MeshHTTPRoute',
        'marked-reports',
        `  targetRef: {kind: MeshSubset, tags: {kuma.io/service: reports-client}}
  to:
    - targetRef: {kind: MeshService, name: reports}
      rules:
        - matches: [{headers: [{type: Exact, name: x-report, value: "yes"}]}]
          default: {}
`,
      ),
    );
    const from = await applyTo(
      [marked, plain],
      policy(
        'MeshTimeout',
        'marked-reports-timeout',
        `  targetRef: {kind: MeshHTTPRoute, name: marked-reports}
  to:
    - targetRef: {kind: Mesh}
      default:
        http:
          requestTimeout: 200ms
`,
      ),
    );
    const markedCalls = await callsStartedSince(marked, from, 10, 30_000);
    const plainCalls = await callsStartedSince(plain, from, 10, 30_000);
    t.diagnostic(
      `marked: ${JSON.stringify(tallyOf(markedCalls))} in ${markedCalls.map((o) => o.ms).join(', ')} ms; plain: ${JSON.stringify(tallyOf(plainCalls))}`,
    );
    assert.deepEqual(tallyOf(markedCalls), { 'failed (DEADLINE_EXCEEDED)': 10 }, 'calls on the route time out');
    for (const o of markedCalls)
      assert.ok(o.ms >= 180 && o.ms < 800, `a marked call ended after ${o.ms} ms, not at the route's 200 ms`);
    assert.deepEqual(tallyOf(plainCalls), { 'reports-1': 10 }, 'calls off the route are answered');
    assert.ok(
      plainCalls.every((o) => o.ms >= 1_000),
      "and take the handler's full second",
    );

    const rules = await api(cp, 'GET', `/meshes/${MESH}/dataplanes/reports-marked/_rules?format=koguma`);
    assert.equal(rules.status, 200);
    const timeouts = rules.body.policies.find((r: { kind: string }) => r.kind === 'MeshTimeout');
    assert.deepEqual(
      timeouts?.routeRules?.map((r: { route: string; conf: unknown }) => [r.route, r.conf]),
      [['marked-reports', { http: { requestTimeout: '200ms' } }]],
      `inspection shows the route's timeout: ${JSON.stringify(rules.body)}`,
    );
    const selected = await api(cp, 'GET', `/meshes/${MESH}/meshtimeouts/marked-reports-timeout/_resources/dataplanes`);
    assert.deepEqual(
      selected.body.items.map((i: { name: string }) => i.name).sort(),
      ['reports-marked', 'reports-plain'],
      'the route selects both clients',
    );
    await Promise.all([marked.proc.stop(), plain.proc.stop()]);
  });
});
