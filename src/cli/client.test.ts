import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from './client.js';
import { ApiError, CliError } from './errors.js';

// A stand-in for the REST API that answers just enough to exercise the client.
const requests: string[] = [];
let server: Server;
let base: string;

function handle(req: IncomingMessage, res: ServerResponse): void {
  requests.push(`${req.method} ${req.url}`);
  const url = new URL(req.url ?? '/', 'http://x');
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/items') {
    const offset = Number(url.searchParams.get('offset') ?? '0');
    // Three items, two per page; `next` names a host the client cannot reach.
    const items = [{ name: 'a' }, { name: 'b' }, { name: 'c' }].slice(offset, offset + 2);
    const next = offset + 2 < 3 ? `http://unreachable.invalid:1/items?size=2&offset=${offset + 2}` : null;
    return json(200, { total: 3, items, next });
  }
  if (url.pathname === '/loop') return json(200, { total: 1, items: [{ name: 'a' }], next: '/loop?size=1000' });
  if (url.pathname === '/missing')
    return json(404, { type: '/std-errors', status: 404, title: 'Not found', detail: 'gone' });
  if (url.pathname === '/html') {
    res.writeHead(200, { 'content-type': 'text/html' });
    return void res.end('<html></html>');
  }
  if (req.method === 'PUT') {
    req.resume();
    return json(url.pathname === '/new' ? 201 : 200, { warnings: ['careful'] });
  }
  return json(200, { product: 'Koguma', version: '9.9.9' });
}

before(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('lists follow next to the last page, on the base URL origin, asking for the largest pages', async () => {
  requests.length = 0;
  const list = await new ApiClient(base).listAll('/items', new URLSearchParams({ name: 'x' }));
  assert.deepEqual(
    list.items.map((i) => i['name']),
    ['a', 'b', 'c'],
  );
  assert.equal(list.total, 3);
  assert.deepEqual(requests, ['GET /items?name=x&size=1000', 'GET /items?size=2&offset=2']);
});

test('a next link that points back at itself is an error, not an endless loop', async () => {
  await assert.rejects(new ApiClient(base).listAll('/loop'), /paging loops/);
});

test('find answers undefined for a 404; get throws the server error', async () => {
  const client = new ApiClient(base);
  assert.equal(await client.find('/missing'), undefined);
  await assert.rejects(
    client.get('/missing'),
    (error: unknown) => error instanceof ApiError && error.status === 404 && error.message === 'Not found: gone',
  );
});

test('put tells created from updated and passes warnings on', async () => {
  const client = new ApiClient(base);
  assert.deepEqual(await client.put('/new', { a: 1 }), { created: true, warnings: ['careful'] });
  assert.deepEqual(await client.put('/old', { a: 1 }), { created: false, warnings: ['careful'] });
});

test('a base URL with a trailing slash or a path prefix is kept', async () => {
  assert.equal(new ApiClient(`${base}/`).url('/meshes').href, `${base}/meshes`);
  assert.equal(new ApiClient(`${base}/api/`).url('/meshes').href, `${base}/api/meshes`);
  assert.equal((await new ApiClient(`${base}/`).index()).version, '9.9.9');
});

test('an answer that is not JSON is reported as such', async () => {
  await assert.rejects(new ApiClient(base).get('/html'), /not JSON/);
});

test('a refused connection names the URL and the socket error', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await assert.rejects(new ApiClient(url).index(), (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.match(error.message, new RegExp(`^cannot reach the control plane at ${url}: connect ECONNREFUSED`));
    return true;
  });
});

test('a malformed API URL is rejected up front', () => {
  assert.throws(() => new ApiClient('127.0.0.1:5681'), /invalid API URL/);
  assert.throws(() => new ApiClient('not a url'), /invalid API URL/);
});
