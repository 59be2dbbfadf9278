// POST /bootstrap when the DP server speaks TLS: which CA the ADS cluster trusts, and a caCert that is not one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { kindRegistry } from '../../cp/catalogue.js';
import { ResourceManager } from '../../manager/index.js';
import { generateServerCa } from '../../mtls/index.js';
import { createStore, type ResourceStore } from '../../store/index.js';
import { createBootstrapHandler } from './request-handler.js';

let store: ResourceStore;
let manager: ResourceManager;
let agentCa: string;
let generatedCa: string;

before(async () => {
  store = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
  manager = new ResourceManager(store, kindRegistry);
  await manager.ensureDefaultMesh();
  await manager.put({
    type: 'Dataplane',
    mesh: 'default',
    name: 'web-1',
    networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }] },
  });
  agentCa = (await generateServerCa({ commonName: 'the CA the agent trusts', lifetimeMs: 86_400_000 })).certPem;
  generatedCa = (await generateServerCa({ commonName: 'the generated CA', lifetimeMs: 86_400_000 })).certPem;
});
after(() => store.close());

/** The ADS cluster's TLS settings in the answered bootstrap, or undefined when it has none. */
async function adsTlsOf(options: { caPem?: string } | undefined, caCert?: string) {
  const handler = createBootstrapHandler({
    manager,
    xdsAddress: 'cp.example',
    xdsPort: 5678,
    ...(options === undefined ? {} : { adsTls: options }),
  });
  const answer = await handler(
    { mesh: 'default', name: 'web-1', ...(caCert === undefined ? {} : { caCert }) },
    'application/yaml',
  );
  const body = typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body).toString('utf8');
  if (answer.status !== 200) return { status: answer.status, error: JSON.parse(body) };
  const socket = parse(body).static_resources.clusters[0].transport_socket;
  if (socket === undefined) return undefined;
  const context = socket.typed_config;
  return {
    name: socket.name,
    sni: context.sni,
    trusted: Buffer.from(context.common_tls_context.validation_context.trusted_ca.inline_bytes, 'base64').toString(
      'utf8',
    ),
  };
}

test('a plaintext DP server gives a plaintext ADS cluster, whatever caCert says', async () => {
  assert.equal(await adsTlsOf(undefined, agentCa), undefined);
});

test('over TLS the ADS cluster trusts the caCert the agent sent, over the generated CA', async () => {
  assert.deepEqual(await adsTlsOf({ caPem: generatedCa }, agentCa), {
    name: 'envoy.transport_sockets.tls',
    sni: 'cp.example',
    trusted: agentCa,
  });
});

test('over TLS without a caCert, the ADS cluster trusts the generated CA', async () => {
  assert.deepEqual(await adsTlsOf({ caPem: generatedCa }), {
    name: 'envoy.transport_sockets.tls',
    sni: 'cp.example',
    trusted: generatedCa,
  });
});

test('over TLS with a given certificate and no caCert, there is nothing to trust: 422 on caCert', async () => {
  const answer = await adsTlsOf({});
  assert.equal(answer?.status, 422);
  assert.deepEqual((answer as { error: { invalid_parameters: unknown } }).error.invalid_parameters, [
    {
      field: 'caCert',
      reason:
        'is required: the DP server speaks TLS with the certificate of --tls-cert-file, whose CA the control plane does not know; send the CA that signs it (koguma dp run --ca-cert-file)',
    },
  ]);
});

test('a caCert that is no certificate is refused with 422 rather than left for Envoy to fail on', async () => {
  for (const [caCert, reason] of [
    ['hello', 'holds no PEM certificate'],
    ['-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n', /^does not parse as a PEM certificate: /],
  ] as const) {
    const answer = (await adsTlsOf({ caPem: generatedCa }, caCert)) as {
      status: number;
      error: { invalid_parameters: { field: string; reason: string }[] };
    };
    assert.equal(answer.status, 422);
    assert.equal(answer.error.invalid_parameters[0]?.field, 'caCert');
    assert.match(
      answer.error.invalid_parameters[0]?.reason ?? '',
      typeof reason === 'string' ? new RegExp(`^${reason}$`) : reason,
    );
  }
});
