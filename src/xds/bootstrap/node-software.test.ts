import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { kindRegistry } from '../../cp/catalogue.js';
import { ResourceManager } from '../../manager/index.js';
import { createStore, type ResourceStore } from '../../store/index.js';
import { createBootstrapHandler } from './request-handler.js';

let store: ResourceStore;
let handler: ReturnType<typeof createBootstrapHandler>;

before(async () => {
  store = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
  const manager = new ResourceManager(store, kindRegistry);
  await manager.ensureDefaultMesh();
  await manager.put({
    type: 'Dataplane',
    mesh: 'default',
    name: 'web-1',
    networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }] },
  });
  handler = createBootstrapHandler({ manager, xdsAddress: '192.0.2.10', xdsPort: 5678 });
});
after(() => store.close());

const ask = (extra: Record<string, unknown>) => handler({ mesh: 'default', name: 'web-1', ...extra }, undefined);
const text = (body: string | Uint8Array) => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));

test("the agent's version and features go into Envoy's node metadata, only their known fields", async () => {
  const answer = await ask({
    version: {
      kumaDp: { version: '0.1.0', gitTag: 'v0.1.0', kumaCpCompatible: true, extra: 'x' },
      envoy: { version: '1.38.3', build: 'abc/1.38.3/Clean/RELEASE/BoringSSL', kumaDpCompatible: true },
    },
    features: ['feature-a', 'feature-b', 'feature-a'],
  });
  assert.equal(answer.status, 200, text(answer.body));
  const { metadata } = parse(text(answer.body)).node;
  assert.deepEqual(metadata.version, {
    kumaDp: { version: '0.1.0', gitTag: 'v0.1.0' },
    envoy: { version: '1.38.3', build: 'abc/1.38.3/Clean/RELEASE/BoringSSL', kumaDpCompatible: true },
  });
  assert.deepEqual(metadata.features, ['feature-a', 'feature-b']);
});

test('a request without them gets a bootstrap without them', async () => {
  const { metadata } = parse(text((await ask({})).body)).node;
  assert.equal(metadata.version, undefined);
  assert.equal(metadata.features, undefined);
});

test('an oversized version, a junk feature or too many features are refused with the field', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ version: { kumaDp: { version: 'x'.repeat(201) } } }, /^version\.kumaDp\.version$/],
    [{ version: { envoy: { kumaDpCompatible: 'yes' } } }, /^version\.envoy\.kumaDpCompatible$/],
    [{ features: ['feature a'] }, /^features\[0\]$|^features\.0$/],
    [{ features: Array.from({ length: 33 }, (_, i) => `feature-${i}`) }, /^features$/],
    [{ features: 'feature-a' }, /^features$/],
  ];
  for (const [extra, field] of cases) {
    const answer = await ask(extra);
    assert.equal(answer.status, 422, JSON.stringify(extra).slice(0, 80));
    const fields = (
      JSON.parse(text(answer.body)) as { invalid_parameters: { field: string }[] }
    ).invalid_parameters.map((p) => p.field);
    assert.ok(
      fields.some((f) => field.test(f)),
      `${JSON.stringify(fields)} for ${JSON.stringify(extra).slice(0, 80)}`,
    );
  }
});
