import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { createMemoryStore } from '../store/memory.js';
import { MeshSecurityRegistry, type MeshSecurity } from './mesh-security.js';

const builtin = (name: string, extra: Record<string, unknown> = {}) => ({ name, type: 'builtin', ...extra });

async function setup(switchDelayMs = 40) {
  const store = createMemoryStore();
  await store.create({ kind: 'Mesh', mesh: '', name: 'm', labels: {}, spec: {} });
  const changes: string[] = [];
  const registry = new MeshSecurityRegistry({
    store,
    switchDelayMs,
    onChange: (mesh) => changes.push(mesh),
    logger: pino({ level: 'silent' }),
  });
  return { store, registry, changes };
}

const enabled = (registry: MeshSecurityRegistry, mesh = 'm'): MeshSecurity => {
  const state = registry.stateOf(mesh);
  assert.equal(state.kind, 'enabled');
  return (state as { security: MeshSecurity }).security;
};

async function until(check: () => boolean, what: string, limitMs = 5_000): Promise<void> {
  for (const deadline = Date.now() + limitMs; !check();) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

test('a mesh not heard of yet is pending, so no proxy of it is configured in plaintext by mistake', async () => {
  const { registry } = await setup();
  assert.equal(registry.stateOf('m').kind, 'pending');
  await registry.meshChanged('m', true, {});
  assert.equal(registry.stateOf('m').kind, 'disabled');
});

test('enabling builtin mTLS generates and stores one root and reports the mode and certificate lifetime', async () => {
  const { registry, store, changes } = await setup();
  await registry.meshChanged('m', true, {
    mtls: {
      enabledBackend: 'ca-1',
      backends: [builtin('ca-1', { mode: 'PERMISSIVE', dpCert: { rotation: { expiration: '2h' } } })],
    },
  });
  const security = enabled(registry);
  assert.equal(security.mode, 'PERMISSIVE');
  assert.equal(security.lifetimeMs, 2 * 3_600_000);
  assert.deepEqual(security.trusted, [security.issuer]);
  assert.ok(await store.get({ kind: 'Secret', mesh: 'm', name: 'm.ca-builtin-cert-ca-1' }));
  assert.deepEqual(changes, ['m']);

  // An unrelated change of the Mesh keeps the same object: proxies need no rebuild.
  await registry.meshChanged('m', true, {
    mtls: {
      enabledBackend: 'ca-1',
      backends: [builtin('ca-1', { mode: 'PERMISSIVE', dpCert: { rotation: { expiration: '2h' } } })],
    },
    routing: {},
  });
  assert.equal(enabled(registry), security);
  assert.deepEqual(changes, ['m']);
});

test('switching the CA trusts both roots first, then issues from the new one, then drops the old root after its certificates expire', async () => {
  const { registry } = await setup(60);
  const backends = [builtin('ca-1', { dpCert: { rotation: { expiration: '1s' } } }), builtin('ca-2')];
  await registry.meshChanged('m', true, { mtls: { enabledBackend: 'ca-1', backends } });
  const old = enabled(registry).issuer;

  await registry.meshChanged('m', true, { mtls: { enabledBackend: 'ca-2', backends } });
  const during = enabled(registry);
  assert.equal(during.issuer, old, 'certificates still come from the old CA');
  assert.equal(during.trusted.length, 2);
  const fresh = during.trusted.find((ca) => ca.fingerprint !== old.fingerprint)!;

  await until(() => enabled(registry).issuer.fingerprint === fresh.fingerprint, 'the new CA issues');
  assert.deepEqual(
    enabled(registry).trusted.map((ca) => ca.fingerprint),
    [fresh.fingerprint, old.fingerprint],
  );
  assert.equal(enabled(registry).backend, 'ca-2');

  await until(() => enabled(registry).trusted.length === 1, 'the old root is dropped');
  assert.equal(enabled(registry).trusted[0]!.fingerprint, fresh.fingerprint);
  registry.close();
});

test('a provided CA that cannot be read keeps the previous state and proxies keep working', async () => {
  const { registry } = await setup();
  await registry.meshChanged('m', true, { mtls: { enabledBackend: 'ca-1', backends: [builtin('ca-1')] } });
  const before = enabled(registry);
  await registry.meshChanged('m', true, {
    mtls: {
      enabledBackend: 'ext',
      backends: [
        builtin('ca-1'),
        { name: 'ext', type: 'provided', conf: { cert: { secret: 'missing' }, key: { secret: 'missing' } } },
      ],
    },
  });
  assert.equal(enabled(registry), before);
});

test('turning mTLS off and deleting the mesh', async () => {
  const { registry } = await setup();
  await registry.meshChanged('m', true, { mtls: { enabledBackend: 'ca-1', backends: [builtin('ca-1')] } });
  await registry.meshChanged('m', true, { mtls: { backends: [builtin('ca-1')] } });
  assert.equal(registry.stateOf('m').kind, 'disabled');
  await registry.meshChanged('m', false, undefined);
  assert.equal(registry.stateOf('m').kind, 'pending');
});
