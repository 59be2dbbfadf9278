/**
 * POST /bootstrap with dataplane authentication on: every refusal is a 422
 * naming the dataplaneToken field (KUMA-COMPAT.md, "Bootstrap"), and an
 * accepted token is handed to Envoy as its ADS stream's authorization.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { kindRegistry } from '../../cp/catalogue.js';
import {
  DataplaneAuthenticator,
  issueDataplaneToken,
  issuingSigningKey,
  type DataplaneTokenRequest,
} from '../../auth/index.js';
import { ResourceManager } from '../../manager/index.js';
import { createStore, type ResourceStore } from '../../store/index.js';
import { createBootstrapHandler } from './request-handler.js';

let store: ResourceStore;
let authenticator: DataplaneAuthenticator;
let handler: ReturnType<typeof createBootstrapHandler>;

const dataplane = (name: string, service = 'web') => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': service } }] },
});

const token = async (request: Partial<DataplaneTokenRequest> = {}) =>
  issueDataplaneToken(await issuingSigningKey(store, 'default'), {
    mesh: 'default',
    validForMs: 3_600_000,
    ...request,
  });

const direct = (name: string, dataplaneToken: string | undefined, service = 'web') => ({
  mesh: 'default',
  name,
  dataplaneResource: JSON.stringify(dataplane(name, service)),
  ...(dataplaneToken === undefined ? {} : { dataplaneToken }),
});

const text = (body: string | Uint8Array) => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));

/** The answer's status and its invalid_parameters, for exact comparison. */
async function refusal(body: unknown): Promise<{ status: number; detail: string; invalid: unknown }> {
  const answer = await handler(body, 'application/json');
  const parsed = JSON.parse(text(answer.body));
  return { status: answer.status, detail: parsed.detail, invalid: parsed.invalid_parameters };
}

before(async () => {
  store = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
  const manager = new ResourceManager(store, kindRegistry);
  await manager.ensureDefaultMesh();
  await manager.put(dataplane('stored-1'));
  authenticator = new DataplaneAuthenticator({ store });
  handler = createBootstrapHandler({ manager, xdsAddress: '192.0.2.10', xdsPort: 5678, dataplaneAuth: authenticator });
});
after(async () => {
  authenticator.close();
  await store.close();
});

test('a token that allows the dataplane gets a bootstrap whose ADS stream presents it', async () => {
  const forWeb1 = await token({ name: 'web-1', tags: { 'kuma.io/service': ['web'] } });
  const answer = await handler(direct('web-1', forWeb1), 'application/yaml');
  assert.equal(answer.status, 200);
  const bootstrap = parse(text(answer.body));
  assert.deepEqual(bootstrap.dynamic_resources.ads_config.grpc_services[0].initial_metadata, [
    { key: 'authorization', value: `Bearer ${forWeb1}` },
  ]);
});

test('no token is a 422 saying the control plane requires one', async () => {
  assert.deepEqual(await refusal(direct('web-1', undefined)), {
    status: 422,
    detail: 'a dataplane token is required',
    invalid: [
      {
        field: 'dataplaneToken',
        reason: 'is required: this control plane runs with --dp-auth dpToken (koguma dp run --dataplane-token-file)',
      },
    ],
  });
  assert.equal((await refusal(direct('web-1', '  '))).status, 422);
});

test('a token that is not genuine, expired, or of another mesh is a 422 saying which', async () => {
  const bad = await refusal(direct('web-1', 'not-a-token'));
  assert.deepEqual(bad, {
    status: 422,
    detail: 'the dataplane token is not valid',
    invalid: [{ field: 'dataplaneToken', reason: 'dataplane token is malformed: not a signed JWT' }],
  });
  const expired = await token({ validForMs: 60_000, now: new Date(Date.now() - 7_200_000) });
  assert.deepEqual((await refusal(direct('web-1', expired))).invalid, [
    { field: 'dataplaneToken', reason: 'dataplane token has expired' },
  ]);
  const otherMesh = { ...direct('web-1', await token()), mesh: 'other' };
  assert.equal((await refusal(otherMesh)).status, 422);
});

test("dataplane B presenting A's token is a 422 naming the dataplane the token is for", async () => {
  const forA = await token({ name: 'web-a' });
  const answer = await refusal(direct('web-b', forA));
  assert.equal(answer.status, 422);
  assert.equal(answer.detail, 'the dataplane token does not allow this dataplane');
  assert.match((answer.invalid as { reason: string }[])[0]!.reason, /the token is for dataplane "web-a"/);
});

test('a Dataplane with tags the token does not allow is a 422, in direct and in indirect mode', async () => {
  const paymentsOnly = await token({ tags: { 'kuma.io/service': ['payments'] } });
  const directAnswer = await refusal(direct('web-1', paymentsOnly, 'web'));
  assert.match(
    (directAnswer.invalid as { reason: string }[])[0]!.reason,
    /inbound\[0\] tag kuma.io\/service=web is not allowed \(the token allows "payments"\)/,
  );
  const indirect = await refusal({ mesh: 'default', name: 'stored-1', dataplaneToken: paymentsOnly });
  assert.equal(indirect.status, 422);
});

test('without a valid token nothing reveals whether a dataplane exists: 422 before any 404', async () => {
  assert.equal((await refusal({ mesh: 'default', name: 'nobody', dataplaneToken: 'forged' })).status, 422);
  assert.equal((await refusal({ mesh: 'default', name: 'nobody' })).status, 422);
});

test('without authentication a well-formed token is still passed on to Envoy, a malformed one never', async () => {
  const manager = new ResourceManager(store, kindRegistry);
  const open = createBootstrapHandler({ manager, xdsAddress: '192.0.2.10', xdsPort: 5678 });
  const passed = parse(text((await open(direct('web-1', 'abc.def.ghi'), undefined)).body));
  assert.deepEqual(passed.dynamic_resources.ads_config.grpc_services[0].initial_metadata, [
    { key: 'authorization', value: 'Bearer abc.def.ghi' },
  ]);
  const injected = parse(text((await open(direct('web-1', 'abc\nx-evil: 1'), undefined)).body));
  assert.equal(injected.dynamic_resources.ads_config.grpc_services[0].initial_metadata, undefined);
});
