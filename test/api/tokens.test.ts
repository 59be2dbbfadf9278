/**
 * Dataplane tokens through the REST API: every mesh gets its signing key when
 * it is created, POST /tokens/dataplane issues tokens (text/plain, as Kuma),
 * and POST /tokens/dataplane/revocations revokes them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DataplaneAuthenticator, loadMeshSigningKeys, readRevocations } from '../../src/auth/index.js';
import { startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
before(async () => {
  api = await startTestApi();
});
after(() => api.close());

const post = (url: string, payload: unknown, remoteAddress = '127.0.0.1') =>
  api.app.inject({ method: 'POST', url, payload: payload as object, remoteAddress });

describe('signing keys come with meshes', () => {
  test('the default mesh has its key after first start', async () => {
    assert.equal((await loadMeshSigningKeys(api.store, 'default')).keys.length, 1);
  });

  test('a mesh created through PUT gets its key in the same write, and loses it with the mesh', async () => {
    assert.equal(
      (await api.app.inject({ method: 'PUT', url: '/meshes/shop', payload: { type: 'Mesh', name: 'shop' } }))
        .statusCode,
      201,
    );
    const secret = await api.app.inject({
      method: 'GET',
      url: '/meshes/shop/secrets/dataplane-token-signing-key-shop',
    });
    assert.equal(secret.statusCode, 200);
    assert.match(Buffer.from(secret.json().data, 'base64').toString(), /^-----BEGIN PRIVATE KEY-----/);
    const other = (await loadMeshSigningKeys(api.store, 'default')).keys[0]!;
    assert.notEqual(
      (await loadMeshSigningKeys(api.store, 'shop')).keys[0]!.kid,
      other.kid,
      'each mesh has its own key',
    );
    assert.equal((await api.app.inject({ method: 'DELETE', url: '/meshes/shop' })).statusCode, 200);
    assert.deepEqual((await loadMeshSigningKeys(api.store, 'shop')).keys, []);
  });
});

describe('a mesh name too long to hold its key', () => {
  // The REST API already refuses path segments this long (414); the control plane's own writers go through the manager.
  test('is refused as invalid input saying why, and nothing is created', async () => {
    const name = `m${'x'.repeat(229)}`;
    await assert.rejects(api.manager.put({ type: 'Mesh', name }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'InvalidInput');
      assert.match(
        error.message,
        new RegExp(
          `^mesh "${name}" cannot hold the secret "dataplane-token-signing-key-${name}": secret names are at most 253 characters`,
        ),
      );
      return true;
    });
    assert.equal(await api.store.get({ kind: 'Mesh', mesh: '', name }), undefined);
  });
});

describe('POST /tokens/dataplane', () => {
  test('answers the JWT as text/plain, with Kuma claim names, signed by the mesh key', async () => {
    const response = await post('/tokens/dataplane', {
      name: 'web-1',
      mesh: 'default',
      tags: { 'kuma.io/service': ['web', 'web-admin'] },
      type: 'dataplane',
      validFor: '24h',
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
    const token = response.body;
    const claims = decodeJwt(token);
    assert.equal(claims['Name'], 'web-1');
    assert.equal(claims['Mesh'], 'default');
    assert.deepEqual(claims['Tags'], { 'kuma.io/service': ['web', 'web-admin'] });
    assert.equal(claims['Type'], 'dataplane');
    assert.equal(claims.exp! - claims.iat!, 24 * 3600);
    assert.equal(decodeProtectedHeader(token).kid, (await loadMeshSigningKeys(api.store, 'default')).keys[0]!.kid);
    const auth = new DataplaneAuthenticator({ store: api.store });
    try {
      const { claims: verified } = await auth.authenticate(token, {
        mesh: 'default',
        name: 'web-1',
        inboundTags: [{ 'kuma.io/service': 'web-admin' }],
      });
      assert.equal(verified.name, 'web-1');
    } finally {
      auth.close();
    }
  });

  test('name, tags and type may be left out: a token for any dataplane of the mesh', async () => {
    const response = await post('/tokens/dataplane', { mesh: 'default', validFor: '1d' });
    assert.equal(response.statusCode, 200);
    const claims = decodeJwt(response.body);
    assert.equal(claims['Name'], undefined);
    assert.deepEqual(claims['Tags'], {});
    assert.equal(claims['Type'], 'dataplane');
  });

  test('an invalid request is 400 naming every bad field', async () => {
    const response = await post('/tokens/dataplane', {
      mesh: 'default',
      name: 'Web_1',
      tags: { 'kuma.io/service': [] },
      type: 'gateway',
      validFor: 'soon',
      extra: 1,
    });
    assert.equal(response.statusCode, 400);
    const body = response.json();
    assert.equal(body.detail, 'the dataplane token request is not valid');
    const fields = Object.fromEntries(
      body.invalid_parameters.map((p: { field: string; reason: string }) => [p.field, p.reason]),
    );
    assert.deepEqual(fields, {
      name: 'must be a dataplane name (lower case letters, digits, "-" and "."), or empty for any dataplane of the mesh',
      'tags["kuma.io/service"]': 'must have at least 1 item',
      type: 'must be one of: dataplane, ingress, egress',
      extra: 'unknown field',
      validFor: 'must be a duration like 24h, 30m or 8760h',
    });
  });

  test('validFor is required and at least a second; mesh is required', async () => {
    const missing = await post('/tokens/dataplane', {});
    assert.deepEqual(missing.json().invalid_parameters, [
      { field: 'mesh', reason: 'is required' },
      { field: 'validFor', reason: 'is required' },
    ]);
    assert.deepEqual(
      (await post('/tokens/dataplane', { mesh: 'default', validFor: '500ms' })).json().invalid_parameters,
      [{ field: 'validFor', reason: 'must be at least 1s' }],
    );
    const notAnObject = await api.app.inject({
      method: 'POST',
      url: '/tokens/dataplane',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify('not an object'),
    });
    assert.equal(notAnObject.statusCode, 400);
  });

  test('a mesh that does not exist is 404 and gets no key', async () => {
    const response = await post('/tokens/dataplane', { mesh: 'nowhere', validFor: '1h' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().detail, 'Mesh "nowhere" not found');
    assert.deepEqual((await loadMeshSigningKeys(api.store, 'nowhere')).keys, []);
  });

  test('only an administrator gets a token', async () => {
    const anonymous = await post('/tokens/dataplane', { mesh: 'default', validFor: '1h' }, '198.51.100.1');
    assert.equal(anonymous.statusCode, 403);
    const withToken = await api.app.inject({
      method: 'POST',
      url: '/tokens/dataplane',
      remoteAddress: '198.51.100.1',
      headers: { authorization: `Bearer ${api.adminToken}` },
      payload: { mesh: 'default', validFor: '1h' },
    });
    assert.equal(withToken.statusCode, 200);
  });
});

describe('POST /tokens/dataplane/revocations', () => {
  test('adds the id to the revocation Secret, once, and the token stops verifying', async () => {
    const token = (await post('/tokens/dataplane', { mesh: 'default', validFor: '1h' })).body;
    const jti = String(decodeJwt(token).jti);
    const first = await post('/tokens/dataplane/revocations', { mesh: 'default', id: jti });
    assert.equal(first.statusCode, 200);
    assert.deepEqual(first.json(), { mesh: 'default', id: jti, revoked: true });
    assert.equal(
      (await post('/tokens/dataplane/revocations', { mesh: 'default', id: jti })).statusCode,
      200,
      'revoking twice is fine',
    );
    assert.deepEqual([...(await readRevocations(api.store, 'default'))], [jti]);
    const auth = new DataplaneAuthenticator({ store: api.store });
    try {
      await assert.rejects(auth.verify(token, 'default'), /has been revoked/);
    } finally {
      auth.close();
    }
  });

  test('concurrent revocations are all kept', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `concurrent-${i}`);
    const answers = await Promise.all(ids.map((id) => post('/tokens/dataplane/revocations', { mesh: 'default', id })));
    assert.deepEqual(new Set(answers.map((answer) => answer.statusCode)), new Set([200]));
    const stored = await readRevocations(api.store, 'default');
    for (const id of ids) assert.ok(stored.has(id), id);
  });

  test('a bad id is 400, an unknown mesh 404, an anonymous remote caller 403', async () => {
    assert.deepEqual(
      (await post('/tokens/dataplane/revocations', { mesh: 'default', id: 'a,b' })).json().invalid_parameters,
      [{ field: 'id', reason: 'must be a token id (its jti claim): non-empty, without commas or spaces' }],
    );
    assert.equal((await post('/tokens/dataplane/revocations', { mesh: 'nowhere', id: 'x' })).statusCode, 404);
    assert.equal(
      (await post('/tokens/dataplane/revocations', { mesh: 'default', id: 'x' }, '198.51.100.1')).statusCode,
      403,
    );
  });
});

test('the OpenAPI document describes both token endpoints from the schemas they validate with', async () => {
  const openApi = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const issue = openApi.paths['/tokens/dataplane'].post;
  assert.deepEqual(issue.requestBody.content['application/json'].schema.required, ['mesh', 'validFor']);
  assert.deepEqual(Object.keys(issue.responses['200'].content), ['text/plain']);
  assert.deepEqual(issue.security, [{ bearer: [] }]);
  assert.deepEqual(
    openApi.paths['/tokens/dataplane/revocations'].post.requestBody.content['application/json'].schema.required,
    ['mesh', 'id'],
  );
});
