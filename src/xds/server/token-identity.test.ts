import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { isKogumaError } from '../../api/errors.js';
import { kindRegistry } from '../../cp/catalogue.js';
import {
  DataplaneAuthenticator,
  issueDataplaneToken,
  issuingSigningKey,
  revokeToken,
  type DataplaneTokenRequest,
} from '../../auth/index.js';
import { ResourceManager } from '../../manager/index.js';
import { createStore, type ResourceStore } from '../../store/index.js';
import { NodeSchema } from '../envoy/gen/envoy/config/core/v3/base_pb.js';
import { toConnectError } from './ads-service.js';
import { DATAPLANE_RESOURCE_METADATA } from '../node-metadata.js';
import { tokenIdentity } from './token-identity.js';
import type { IdentifyNode } from './node-identity.js';

const dataplane = (name: string, service: string, extra: Record<string, string> = {}) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': service, ...extra } }] },
});

/** A node in direct mode (its Dataplane in metadata), or indirect when `document` is undefined. */
const node = (name: string, document?: unknown) =>
  create(NodeSchema, {
    id: `default.${name}`,
    metadata: document === undefined ? {} : { [DATAPLANE_RESOURCE_METADATA]: JSON.stringify(document) },
  });

const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

const refused = (code: string, pattern: RegExp) => (error: unknown) =>
  isKogumaError(error) && error.code === code && pattern.test(error.message);

describe('tokenIdentity: an ADS stream is who its dataplane token allows', () => {
  let store: ResourceStore;
  let authenticator: DataplaneAuthenticator;
  let identify: IdentifyNode;
  const token = async (request: Partial<DataplaneTokenRequest>) =>
    issueDataplaneToken(await issuingSigningKey(store, 'default'), {
      mesh: 'default',
      validForMs: 3_600_000,
      ...request,
    });

  before(async () => {
    store = await createStore({ type: 'memory', indexTags: kindRegistry.indexTags });
    const manager = new ResourceManager(store, kindRegistry);
    await manager.ensureDefaultMesh();
    await manager.put(dataplane('stored-web', 'web'));
    authenticator = new DataplaneAuthenticator({ store });
    identify = tokenIdentity({
      authenticator,
      storedDataplane: async (mesh, name) => (await store.get({ kind: 'Dataplane', mesh, name }))?.spec as never,
    });
  });
  after(async () => {
    authenticator.close();
    await store.close();
  });

  it('accepts a stream whose token names its dataplane and allows its tags, and watches the token', async () => {
    const identity = await identify(
      node('web-1', dataplane('web-1', 'web')),
      bearer(await token({ name: 'web-1', tags: { 'kuma.io/service': ['web'] } })),
    );
    assert.equal(identity.nodeId, 'default.web-1');
    assert.equal(identity.credential?.revoked.aborted, false);
    identity.credential?.release();
  });

  it('refuses a stream without a token with UNAUTHENTICATED, saying how to send one', async () => {
    await assert.rejects(
      identify(node('web-1', dataplane('web-1', 'web')), new Headers()),
      refused('Unauthenticated', /requires a dataplane token.*Authorization: Bearer/),
    );
    await assert.rejects(
      identify(node('web-1', dataplane('web-1', 'web')), new Headers({ authorization: 'Basic d2ViOjE=' })),
      refused('Unauthenticated', /"Basic" scheme/),
    );
  });

  it("refuses dataplane B presenting A's token with PERMISSION_DENIED", async () => {
    const forA = await token({ name: 'web-1' });
    await assert.rejects(
      identify(node('web-2', dataplane('web-2', 'web')), bearer(forA)),
      refused('Forbidden', /token is for dataplane "web-1"/),
    );
  });

  it('refuses tags the token does not allow, in the Dataplane the node carries', async () => {
    const webOnly = await token({ tags: { 'kuma.io/service': ['web'] } });
    await assert.rejects(
      identify(node('pay-1', dataplane('pay-1', 'payments')), bearer(webOnly)),
      refused('Forbidden', /inbound\[0\] tag kuma.io\/service=payments is not allowed/),
    );
    const v1Only = await token({ tags: { version: ['v1'] } });
    await assert.rejects(
      identify(node('web-3', dataplane('web-3', 'web', { version: 'v2' })), bearer(v1Only)),
      refused('Forbidden', /version=v2/),
    );
  });

  it('checks an indirect-mode node against the Dataplane stored for it', async () => {
    const paymentsOnly = await token({ tags: { 'kuma.io/service': ['payments'] } });
    await assert.rejects(
      identify(node('stored-web'), bearer(paymentsOnly)),
      refused('Forbidden', /kuma.io\/service=web is not allowed/),
    );
    const webOnly = await token({ tags: { 'kuma.io/service': ['web'] } });
    const identity = await identify(node('stored-web'), bearer(webOnly));
    identity.credential?.release();
  });

  it('refuses an invalid carried Dataplane with INVALID_ARGUMENT naming the field, token or not', async () => {
    const anyToken = await token({});
    const wrongName = { ...dataplane('other', 'web') };
    await assert.rejects(
      identify(node('web-1', wrongName), bearer(anyToken)),
      refused('InvalidInput', /node.metadata\["dataplane.resource"\].name/),
    );
    const raw = create(NodeSchema, { id: 'default.web-1', metadata: { [DATAPLANE_RESOURCE_METADATA]: '{nope' } });
    await assert.rejects(
      identify(raw, bearer(anyToken)),
      (error: unknown) =>
        isKogumaError(error, 'InvalidInput') &&
        /node.metadata\["dataplane.resource"\]/.test(error.invalidParameters[0]?.field ?? '') &&
        /is not valid JSON/.test(error.invalidParameters[0]?.reason ?? ''),
    );
    assert.match(
      toConnectError(await identify(raw, bearer(anyToken)).catch((error: unknown) => error)).message,
      /dataplane.resource"\]: is not valid JSON/,
    );
  });

  it('refuses a revoked token, and ends the stream of a token revoked while open', async () => {
    const revokedLater = await token({ name: 'web-1' });
    const identity = await identify(node('web-1', dataplane('web-1', 'web')), bearer(revokedLater));
    const { decodeJwt } = await import('jose');
    await revokeToken(store, 'default', String(decodeJwt(revokedLater).jti));
    await assert.rejects(
      identify(node('web-1', dataplane('web-1', 'web')), bearer(revokedLater)),
      refused('Unauthenticated', /has been revoked/),
    );
    const deadline = Date.now() + 5_000;
    while (!identity.credential?.revoked.aborted && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(isKogumaError(identity.credential?.revoked.reason, 'Unauthenticated'));
    identity.credential?.release();
  });
});
