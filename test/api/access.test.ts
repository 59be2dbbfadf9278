/**
 * Who may write and read what on the REST API. Clients are told apart by the
 * TCP peer address (`remoteAddress`) and the Authorization header, exactly as
 * the server sees them; bodies are checked whole.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { dataplane, startTestApi, type TestApi } from '../support/api.js';

const REMOTE = '203.0.113.7';
const secret = { type: 'Secret', mesh: 'default', name: 'db-password', data: 'aHVudGVyMg==' };

/** Requests from `remoteAddress`, with `token` as a bearer token when given. */
function client(api: TestApi, remoteAddress: string, token?: string) {
  return (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const options: InjectOptions = {
      method,
      url,
      remoteAddress,
      ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
      ...(payload === undefined ? {} : { payload: payload as object }),
    };
    return api.app.inject(options);
  };
}

/** Enough inspection for the `_config` route to exist. */
const inspection = { status: { get: () => undefined }, snapshots: { get: () => undefined } };

describe('API access with --localhost-is-admin (the default)', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ access: { adminTokenHint: '/var/lib/koguma/admin-token' }, inspection });
    await api.app.inject({ method: 'PUT', url: '/meshes/default/secrets/db-password', payload: secret });
  });
  after(() => api.close());

  test('a write from another host without a token is refused with 403, saying how to authenticate', async () => {
    const response = await client(api, REMOTE)(
      'PUT',
      '/meshes/default/dataplanes/web-1',
      dataplane('default', 'web-1', 'web'),
    );
    assert.equal(response.statusCode, 403);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    const refusal =
      'PUT /meshes/default/dataplanes/web-1 needs an administrator; an anonymous client at 203.0.113.7 is not one: ' +
      'send "Authorization: Bearer <admin token>" (the control plane keeps one in /var/lib/koguma/admin-token)';
    assert.deepEqual(response.json(), {
      type: '/std-errors',
      status: 403,
      title: 'Forbidden',
      detail: refusal,
      details: refusal,
    });
    assert.equal(
      (await client(api, '127.0.0.1')('GET', '/meshes/default/dataplanes/web-1')).statusCode,
      404,
      'nothing was written',
    );
  });

  test('DELETE and POST from another host without a token are refused too', async () => {
    assert.equal((await client(api, REMOTE)('DELETE', '/meshes/default')).statusCode, 403);
    assert.equal(
      (await client(api, REMOTE)('POST', '/tokens/dataplane', { mesh: 'default', validFor: '1h' })).statusCode,
      403,
    );
    assert.equal((await client(api, '127.0.0.1')('GET', '/meshes/default')).statusCode, 200, 'the mesh is still there');
  });

  test('the same write with an admin token is accepted from anywhere', async () => {
    const response = await client(api, REMOTE, api.adminToken)(
      'PUT',
      '/meshes/default/dataplanes/web-2',
      dataplane('default', 'web-2', 'web'),
    );
    assert.equal(response.statusCode, 201);
  });

  test('a token of a user who is not an administrator is refused with 403 naming the user', async () => {
    const response = await client(api, '127.0.0.1', api.userToken)(
      'PUT',
      '/meshes/default/dataplanes/web-3',
      dataplane('default', 'web-3', 'web'),
    );
    assert.equal(response.statusCode, 403);
    assert.match(
      response.json().detail,
      /^PUT \/meshes\/default\/dataplanes\/web-3 needs an administrator; user "test-user" is not one/,
    );
  });

  test('a token that does not verify is 401, even from localhost and even on a read', async () => {
    for (const [method, url] of [
      ['GET', '/meshes'],
      ['PUT', '/meshes/x'],
    ] as const) {
      const response = await client(api, '127.0.0.1', 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln')(
        method,
        url,
        method === 'PUT' ? { type: 'Mesh', name: 'x' } : undefined,
      );
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().title, 'Unauthenticated');
      assert.match(response.json().detail, /^user token is malformed/);
    }
    const basic = await api.app.inject({
      method: 'GET',
      url: '/meshes',
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    });
    assert.equal(basic.statusCode, 401);
    assert.equal(basic.json().detail, 'the Authorization header uses the "Basic" scheme; expected "Bearer <token>"');
  });

  test('a loopback client is an administrator without a token, over IPv4, IPv6 and mapped IPv4', async () => {
    for (const [address, name] of [
      ['127.0.0.1', 'lo-4'],
      ['::1', 'lo-6'],
      ['::ffff:127.0.0.1', 'lo-mapped'],
    ]) {
      const response = await client(api, address!)(
        'PUT',
        `/meshes/default/dataplanes/${name}`,
        dataplane('default', name!, 'web'),
      );
      assert.equal(response.statusCode, 201, address);
    }
  });

  test('X-Forwarded-For does not make a remote client local', async () => {
    const response = await api.app.inject({
      method: 'PUT',
      url: '/meshes/default/dataplanes/spoof',
      remoteAddress: REMOTE,
      headers: { 'x-forwarded-for': '127.0.0.1' },
      payload: dataplane('default', 'spoof', 'web'),
    });
    assert.equal(response.statusCode, 403);
  });

  test('reads stay open to anyone, except Secrets and served configuration', async () => {
    const anonymous = client(api, REMOTE);
    for (const url of [
      '/',
      '/meshes',
      '/meshes/default',
      '/meshes/default/dataplanes',
      '/meshes/default/meshtimeouts',
      '/dataplanes',
      '/_resources',
      '/config',
    ]) {
      assert.equal((await anonymous('GET', url)).statusCode, 200, url);
    }
    for (const url of [
      '/meshes/default/secrets',
      '/meshes/default/secrets/db-password',
      '/secrets',
      '/meshes/default/secrets/dataplane-token-signing-key-default',
    ]) {
      const response = await anonymous('GET', url);
      assert.equal(response.statusCode, 403, url);
      assert.match(
        response.json().detail,
        /^Secret resources can be read by an administrator only; an anonymous client at 203\.0\.113\.7 is not one/,
      );
      assert.doesNotMatch(response.body, /aHVudGVyMg==/);
    }
    assert.equal(
      (await client(api, REMOTE, api.userToken)('GET', '/meshes/default/secrets')).statusCode,
      403,
      'a non-admin user neither',
    );
    const config = await anonymous('GET', '/meshes/default/dataplanes/web-2/_config');
    assert.equal(config.statusCode, 403);
    assert.match(config.json().detail, /served configuration \(it holds its private key\)/);
  });

  test('an administrator reads Secrets, from localhost or with a token', async () => {
    assert.equal(
      (await client(api, '127.0.0.1')('GET', '/meshes/default/secrets/db-password')).json().data,
      secret.data,
    );
    const remote = await client(api, REMOTE, api.adminToken)('GET', '/meshes/default/secrets');
    assert.equal(remote.statusCode, 200);
    assert.ok(
      remote.json().items.some((item: { name: string }) => item.name === 'dataplane-token-signing-key-default'),
    );
  });
});

describe('API access with --localhost-is-admin false', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ access: { localhostIsAdmin: false } });
  });
  after(() => api.close());

  test('a loopback client needs a token like any other', async () => {
    const anonymous = await client(api, '127.0.0.1')(
      'PUT',
      '/meshes/default/dataplanes/web-1',
      dataplane('default', 'web-1', 'web'),
    );
    assert.equal(anonymous.statusCode, 403);
    assert.match(anonymous.json().detail, /an anonymous client at 127\.0\.0\.1 is not one/);
    assert.equal((await client(api, '127.0.0.1')('GET', '/meshes/default/secrets')).statusCode, 403);
    const admin = await client(api, '127.0.0.1', api.adminToken)(
      'PUT',
      '/meshes/default/dataplanes/web-1',
      dataplane('default', 'web-1', 'web'),
    );
    assert.equal(admin.statusCode, 201);
  });
});

describe('API access with --api-read-only', () => {
  let api: TestApi;
  before(async () => {
    api = await startTestApi({ access: { readOnly: true } });
  });
  after(() => api.close());

  test('every write is 405 with a std-errors body, admin or not; reads are served', async () => {
    for (const [method, url, token] of [
      ['PUT', '/meshes/ro', undefined],
      ['DELETE', '/meshes/default', api.adminToken],
      ['POST', '/tokens/dataplane', api.adminToken],
    ] as const) {
      const response = await client(api, '127.0.0.1', token)(
        method,
        url,
        method === 'DELETE' ? undefined : { type: 'Mesh', name: 'ro' },
      );
      assert.equal(response.statusCode, 405, `${method} ${url}`);
      assert.deepEqual(response.json(), {
        type: '/std-errors',
        status: 405,
        title: 'Read only',
        detail: `the API is read-only (--api-read-only): ${method} ${url} is refused; only GET requests are served`,
        details: `the API is read-only (--api-read-only): ${method} ${url} is refused; only GET requests are served`,
      });
    }
    assert.equal((await client(api, '127.0.0.1')('GET', '/meshes/default')).statusCode, 200);
  });
});
