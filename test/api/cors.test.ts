/**
 * CORS (--api-cors-allowed-origins): a browser page of an allowed origin may
 * call the API, preflight included; any other origin, and every origin when
 * none is configured, gets no CORS headers. Real HTTP, as a browser sends it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApi, type TestApi } from '../support/api.js';

const GUI = 'http://gui.example:8080';

async function listening(api: TestApi): Promise<string> {
  return (await api.app.listen({ host: '127.0.0.1', port: 0 })).replace('[::1]', '127.0.0.1');
}

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
  });

describe('with allowed origins', () => {
  let api: TestApi;
  let base: string;
  before(async () => {
    api = await startTestApi({ corsAllowedOrigins: [GUI] });
    base = await listening(api);
  });
  after(() => api.close());

  test('a preflight from an allowed origin is answered with that origin and the methods', async () => {
    const response = await preflight(`${base}/meshes/default/meshtimeouts/t1`, GUI);
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), GUI);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /PUT/);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /content-type/);
  });

  test('a read from an allowed origin carries the origin, also when it is refused', async () => {
    const read = await fetch(`${base}/meshes`, { headers: { origin: GUI } });
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('access-control-allow-origin'), GUI);
    const missing = await fetch(`${base}/meshes/nowhere`, { headers: { origin: GUI } });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('access-control-allow-origin'), GUI);
  });

  test('another origin gets no CORS headers', async () => {
    const response = await preflight(`${base}/meshes`, 'http://evil.example');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    const read = await fetch(`${base}/meshes`, { headers: { origin: 'http://evil.example' } });
    assert.equal(read.headers.get('access-control-allow-origin'), null);
  });
});

describe('without allowed origins (the default)', () => {
  let api: TestApi;
  let base: string;
  before(async () => {
    api = await startTestApi();
    base = await listening(api);
  });
  after(() => api.close());

  test('no origin gets CORS headers, and a preflight finds no route', async () => {
    const response = await preflight(`${base}/meshes`, GUI);
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    const read = await fetch(`${base}/meshes`, { headers: { origin: GUI } });
    assert.equal(read.headers.get('access-control-allow-origin'), null);
  });
});
