/**
 * The GUI under `/gui` over real HTTP, from a placeholder build this test
 * writes: files, the single-page app's deep links, cache headers,
 * compression (precompressed siblings and on the fly), public access, the
 * 404 when nothing is built, and the API's own paths left as they were.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { brotliCompressSync, gunzipSync } from 'node:zlib';
import { startLiveApi, type LiveApi } from '../support/live-api.js';

let dir: string;
let api: LiveApi;
let unbuilt: LiveApi;
const INDEX = '<!doctype html><title>Koguma</title><div id="app"></div>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;
const STYLE = `body{color:red}${' '.repeat(3000)}`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'koguma-gui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), SCRIPT);
  writeFileSync(join(dir, 'assets', 'index-abc123.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(dir, 'assets', 'style-def456.css'), STYLE);
  // Not read by anyone but an anonymous caller: GUI files need no token.
  api = await startLiveApi({ guiDirectory: dir }, { access: { localhostIsAdmin: false } });
  unbuilt = await startLiveApi({ guiDirectory: join(dir, 'nothing-here') });
});
after(async () => {
  await api.close();
  await unbuilt.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A GET with no automatic decompression, so the encoding can be checked. */
function get(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

test('/gui redirects to /gui/, which is index.html, never cached unchecked', async () => {
  const redirect = await get(api.url, '/gui');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, '/gui/');
  const page = await get(api.url, '/gui/');
  assert.equal(page.status, 200);
  assert.equal(page.body.toString(), INDEX);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.equal(page.headers['cache-control'], 'no-cache');
});

test('a deep link that is no file is the app page (the app routes in the browser)', async () => {
  const page = await get(api.url, '/gui/meshes/default/dataplanes/x?tab=rules');
  assert.equal(page.status, 200);
  assert.equal(page.body.toString(), INDEX);
  assert.equal(page.headers['cache-control'], 'no-cache');
});

test('hashed assets are immutable; a missing asset is a 404, not the page', async () => {
  const script = await get(api.url, '/gui/assets/index-abc123.js');
  assert.equal(script.status, 200);
  assert.equal(script.body.toString(), SCRIPT);
  assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(String(script.headers['content-type']), /javascript/);
  const missing = await get(api.url, '/gui/assets/gone-000.js');
  assert.equal(missing.status, 404);
  assert.equal(JSON.parse(missing.body.toString()).type, '/std-errors');
  const root = await get(api.url, '/gui/favicon.svg');
  assert.equal(root.body.toString(), '<svg/>');
  assert.equal(root.headers['cache-control'], 'no-cache');
});

test('a precompressed sibling is sent to a client that accepts it', async () => {
  const script = await get(api.url, '/gui/assets/index-abc123.js', { 'accept-encoding': 'gzip, br' });
  assert.equal(script.headers['content-encoding'], 'br');
  assert.match(String(script.headers.vary), /accept-encoding/i);
  assert.deepEqual(script.body, brotliCompressSync(SCRIPT));
});

test('a file without a precompressed sibling is compressed on the fly, and sent plain to others', async () => {
  const style = await get(api.url, '/gui/assets/style-def456.css', { 'accept-encoding': 'gzip' });
  assert.equal(style.status, 200);
  assert.equal(style.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(style.body).toString(), STYLE);
  assert.equal(style.headers['cache-control'], 'public, max-age=31536000, immutable');
  const plain = await get(api.url, '/gui/assets/style-def456.css');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body.toString(), STYLE);
});

test('a path out of the directory is never a file outside it', async () => {
  writeFileSync(join(dir, '..', `${dir.split('/').pop()}-secret.txt`), 'outside');
  for (const path of [`/gui/..%2F${dir.split('/').pop()}-secret.txt`, '/gui/%2e%2e/%2e%2e/etc/passwd']) {
    const answer = await get(api.url, path);
    assert.ok(!answer.body.toString().includes('outside') && !answer.body.toString().includes('root:'), path);
  }
  rmSync(join(dir, '..', `${dir.split('/').pop()}-secret.txt`));
});

test('GUI files need no token while the API still checks one', async () => {
  const bad = { authorization: 'Bearer not-a-token' };
  assert.equal((await get(api.url, '/gui/', bad)).status, 200);
  assert.equal((await get(api.url, '/meshes', bad)).status, 401);
  assert.equal((await get(api.url, '/meshes/default/secrets')).status, 403, 'an anonymous caller, as before');
});

test('`/` says where the GUI is when it is built, and how to build it when not', async () => {
  assert.equal(JSON.parse((await get(api.url, '/')).body.toString()).gui, 'The gui is available at /gui');
  assert.match(JSON.parse((await get(unbuilt.url, '/')).body.toString()).gui, /npm run build/);
});

test('without index.html every /gui path is a 404 in the API error format saying how to build it', async () => {
  for (const path of ['/gui/', '/gui/meshes', '/gui/assets/index-abc123.js']) {
    const answer = await get(unbuilt.url, path);
    assert.equal(answer.status, 404, path);
    const body = JSON.parse(answer.body.toString());
    assert.equal(body.title, 'GUI not built', path);
    assert.match(body.detail, /npm run build/);
  }
});

test('a GUI built while the server runs is served at once', async () => {
  const later = await startLiveApi({ guiDirectory: join(dir, 'built-later') });
  try {
    assert.equal((await get(later.url, '/gui/')).status, 404);
    mkdirSync(join(dir, 'built-later'));
    writeFileSync(join(dir, 'built-later', 'index.html'), INDEX);
    assert.equal((await get(later.url, '/gui/')).body.toString(), INDEX);
  } finally {
    await later.close();
  }
});

test("/favicon.ico is the GUI's when it has one, else an empty answer rather than an error", async () => {
  assert.equal((await get(unbuilt.url, '/favicon.ico')).status, 204);
  writeFileSync(join(dir, 'favicon.ico'), 'icon');
  const icon = await get(api.url, '/favicon.ico');
  assert.equal(icon.status, 200);
  assert.equal(icon.body.toString(), 'icon');
});

test('the API around it is as before: trailing slashes, unknown paths, parameter checks', async () => {
  assert.equal((await get(api.url, '/meshes/')).status, 200);
  const unknown = await get(api.url, '/no/such/endpoint/here');
  assert.equal(unknown.status, 404);
  assert.match(JSON.parse(unknown.body.toString()).detail, /no API endpoint/);
  assert.equal((await get(api.url, '/meshes?name=%00')).status, 400);
  assert.equal((await get(api.url, '/gui/?x=%00')).status, 400);
});
