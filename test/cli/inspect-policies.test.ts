/**
 * Policy inspection end to end: `_rules` and `_resources/dataplanes` on a real
 * control plane, and `koguma inspect dataplane --type policies` and
 * `koguma inspect <policy-kind>` over them, everything applied with `koguma apply`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningControlPlane } from '../../src/cp/index.js';
import { apiGet, killAll, runCli, startTestControlPlane } from './harness.js';

const DOCUMENTS = `type: Mesh
name: insp
---
type: Dataplane
mesh: insp
name: web-1
networking:
  address: 10.0.0.1
  inbound:
    - port: 20001
      servicePort: 8080
      tags: { kuma.io/service: web, kuma.io/protocol: http }
  outbound:
    - port: 10001
      tags: { kuma.io/service: backend }
---
type: Dataplane
mesh: insp
name: backend-1
networking:
  address: 10.0.0.2
  inbound:
    - port: 20002
      servicePort: 9090
      tags: { kuma.io/service: backend, kuma.io/protocol: http }
---
type: Dataplane
mesh: insp
name: backend-2
networking:
  address: 10.0.0.3
  inbound:
    - port: 20002
      servicePort: 9090
      tags: { kuma.io/service: backend, kuma.io/protocol: http }
---
type: MeshTimeout
mesh: insp
name: web-outbound
spec:
  targetRef: { kind: MeshService, name: web }
  to:
    - targetRef: { kind: MeshService, name: backend }
      default: { connectionTimeout: 2s }
---
type: MeshTimeout
mesh: insp
name: backend-inbound
spec:
  targetRef: { kind: MeshService, name: backend }
  from:
    - targetRef: { kind: Mesh }
      default: { idleTimeout: 30m }
`;

let cp: RunningControlPlane;
const koguma = (args: string[], input?: string) =>
  runCli(['--api-url', cp.apiUrl, ...args], input === undefined ? {} : { input });

interface KindRules {
  kind: string;
  matched: { name: string }[];
  to: { destination: { name: string }; conf: unknown; from: { name: string }[] }[];
  from: { inbound: { port: number }; rules: { conf: unknown; policies: string[] }[] }[];
}
interface RulesAnswer {
  mesh: string;
  name: string;
  policies: KindRules[];
  warnings: string[];
}

/** `_rules` once the engine has taken in what was applied (it follows the store asynchronously). */
async function rulesOnceMatched(name: string, policy: string): Promise<RulesAnswer> {
  await cp.settled();
  const { status, body } = await apiGet(cp.apiUrl, `/meshes/insp/dataplanes/${name}/_rules?format=koguma`);
  assert.equal(status, 200);
  const answer = body as RulesAnswer;
  assert.ok(
    answer.policies.some((kind) => kind.matched.some((m) => m.name === policy)),
    `${policy} does not select ${name}: ${JSON.stringify(answer)}`,
  );
  return answer;
}

before(async () => {
  cp = await startTestControlPlane();
  const applied = await koguma(['apply', '-f', '-'], DOCUMENTS);
  assert.equal(applied.code, 0, applied.stderr);
  await rulesOnceMatched('web-1', 'web-outbound');
  await rulesOnceMatched('backend-2', 'backend-inbound');
});
after(async () => {
  killAll();
  await cp.close();
});

test('_rules shows the policies selecting a proxy and what they resolve to per destination', async () => {
  const answer = await rulesOnceMatched('web-1', 'web-outbound');
  assert.equal(answer.mesh, 'insp');
  const timeouts = answer.policies.find((kind) => kind.kind === 'MeshTimeout');
  assert.ok(timeouts);
  assert.ok(
    !timeouts.matched.some((m) => m.name === 'backend-inbound'),
    'a policy for another service does not select web-1',
  );
  const backend = timeouts.to.find((rule) => rule.destination.name === 'backend');
  assert.ok(backend);
  assert.equal((backend.conf as { connectionTimeout?: string }).connectionTimeout, '2s');
  assert.ok(backend.from.some((entry) => entry.name === 'web-outbound'));
  assert.deepEqual(answer.warnings, []);
});

test('_rules shows the from-rules per inbound', async () => {
  const answer = await rulesOnceMatched('backend-1', 'backend-inbound');
  const timeouts = answer.policies.find((kind) => kind.kind === 'MeshTimeout')!;
  const [inbound] = timeouts.from.filter((rule) => rule.rules.some((r) => r.policies.includes('backend-inbound')));
  assert.equal(inbound?.inbound.port, 20002);
  const rule = inbound.rules.find((r) => r.policies.includes('backend-inbound'))!;
  assert.equal((rule.conf as { idleTimeout?: string }).idleTimeout, '30m');
});

test('_resources/dataplanes lists the proxies a policy selects, paged as Kuma pages', async () => {
  const labels = {
    'kuma.io/env': 'universal',
    'kuma.io/mesh': 'insp',
    'kuma.io/origin': 'zone',
    'kuma.io/proxy-type': 'sidecar',
    'kuma.io/zone': 'default',
  };
  const all = await apiGet(cp.apiUrl, '/meshes/insp/meshtimeouts/backend-inbound/_resources/dataplanes');
  assert.equal(all.status, 200);
  assert.deepEqual(all.body, {
    total: 2,
    items: [
      { type: 'Dataplane', mesh: 'insp', name: 'backend-1', labels },
      { type: 'Dataplane', mesh: 'insp', name: 'backend-2', labels },
    ],
  });
  const first = (await apiGet(cp.apiUrl, '/meshes/insp/meshtimeouts/backend-inbound/_resources/dataplanes?size=1'))
    .body as { items: { name: string }[]; next: string };
  assert.deepEqual(
    first.items.map((item) => item.name),
    ['backend-1'],
  );
  assert.match(first.next, /\/meshes\/insp\/meshtimeouts\/backend-inbound\/_resources\/dataplanes\?offset=1&size=1$/);
});

test('_resources/dataplanes answers 404 for a missing policy and for a kind that is no policy', async () => {
  assert.equal((await apiGet(cp.apiUrl, '/meshes/insp/meshtimeouts/nope/_resources/dataplanes')).status, 404);
  assert.equal((await apiGet(cp.apiUrl, '/meshes/insp/dataplanes/web-1/_resources/dataplanes')).status, 404);
  assert.equal((await apiGet(cp.apiUrl, '/meshes/insp/dataplanes/nope/_rules')).status, 404);
});

test('koguma inspect dataplane --type policies prints the _rules answer', async () => {
  const result = await koguma(['inspect', 'dataplane', 'web-1', '-m', 'insp', '--type', 'policies', '-o', 'json']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(
    JSON.parse(result.stdout),
    (await apiGet(cp.apiUrl, '/meshes/insp/dataplanes/web-1/_rules?format=koguma')).body,
  );
});

test('koguma inspect <policy-kind> NAME lists the dataplanes it selects, by any spelling of the kind', async () => {
  for (const spelling of ['meshtimeout', 'meshtimeouts', 'mt']) {
    const result = await koguma(['inspect', spelling, 'backend-inbound', '-m', 'insp']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      result.stdout.split('\n').filter(Boolean),
      ['MESH   DATAPLANE', 'insp   backend-1', 'insp   backend-2'],
      spelling,
    );
  }
  const yaml = await koguma(['inspect', 'mt', 'web-outbound', '-m', 'insp', '-o', 'yaml']);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.match(yaml.stdout, /total: 1\n/);
  assert.match(yaml.stdout, /name: web-1\n/);
});

test('koguma inspect <policy-kind> of a missing policy fails naming it', async () => {
  const result = await koguma(['inspect', 'meshtimeout', 'nope', '-m', 'insp']);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /MeshTimeout "nope" not found in mesh "insp"/);
});
