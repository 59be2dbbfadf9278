/**
 * The DP server's one port: POST /bootstrap over HTTP/1.1 (curl, fetch) and
 * over HTTP/2 with prior knowledge, beside gRPC; errors in the REST shape.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KogumaError } from '../../src/api/errors.js';
import type { BootstrapHandler } from '../../src/xds/server/index.js';
import { startTestDpServer, type TestDpServer } from './support.js';

const handler: BootstrapHandler = async (body, accept) => {
  const request = body as { name?: string };
  if (request.name === 'missing') throw new KogumaError('NotFound', 'dataplane "missing" not found');
  if (accept === 'application/json')
    return {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ bootstrap: 'eWFtbA==', name: request.name }),
    };
  return { status: 200, contentType: 'text/yaml', body: `node:\n  id: default.${request.name ?? ''}\n` };
};

/** POST over HTTP/2 with prior knowledge, as `koguma dp run` may. */
async function postHttp2(
  url: string,
  path: string,
  body: string,
): Promise<{ status: number; contentType: string; body: string }> {
  const session = http2.connect(url);
  try {
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/json',
      accept: 'application/json',
    });
    stream.end(body);
    const [headers, text] = await Promise.all([
      new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once('response', resolve)),
      new Promise<string>((resolve, reject) => {
        let data = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (data += chunk));
        stream.on('end', () => resolve(data));
        stream.on('error', reject);
      }),
    ]);
    return { status: Number(headers[':status']), contentType: String(headers['content-type']), body: text };
  } finally {
    session.close();
  }
}

describe('DP server: POST /bootstrap on the xDS port', () => {
  let dp: TestDpServer;
  before(async () => {
    dp = await startTestDpServer({ bootstrapHandler: handler });
  });
  after(() => dp.close());

  it('reaches the handler over HTTP/1.1 with the body and Accept header', async () => {
    const response = await fetch(`${dp.server.url}/bootstrap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mesh: 'default', name: 'web-1' }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/yaml');
    assert.equal(await response.text(), 'node:\n  id: default.web-1\n');
  });

  it('reaches the handler over HTTP/2 with prior knowledge', async () => {
    const response = await postHttp2(dp.server.url, '/bootstrap', JSON.stringify({ mesh: 'default', name: 'web-2' }));
    assert.deepEqual(response, {
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ bootstrap: 'eWFtbA==', name: 'web-2' }),
    });
  });

  it('maps a KogumaError to its HTTP status and the REST error body', async () => {
    const response = await fetch(`${dp.server.url}/bootstrap`, {
      method: 'POST',
      body: JSON.stringify({ name: 'missing' }),
    });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), {
      type: '/std-errors',
      status: 404,
      title: 'Not found',
      detail: 'dataplane "missing" not found',
    });
  });

  it('refuses a body that is not JSON, a method other than POST, and an unknown path', async () => {
    const badJson = await fetch(`${dp.server.url}/bootstrap`, { method: 'POST', body: '{nope' });
    assert.equal(badJson.status, 400);
    assert.match(((await badJson.json()) as { detail: string }).detail, /^body is not valid JSON/);
    const get = await fetch(`${dp.server.url}/bootstrap`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    await get.body?.cancel();
    const unknown = await fetch(`${dp.server.url}/nothing-here`);
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await fetch(`${dp.server.url}/bootstrap`, {
      method: 'POST',
      body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 1) }),
    });
    assert.equal(response.status, 413);
    await response.body?.cancel();
  });

  it('survives a connection that sends garbage or nothing', async () => {
    for (const bytes of ['\u0000\u0001garbage\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nnot frames at all', '']) {
      await new Promise<void>((resolve) => {
        const socket = connect(dp.server.port, '127.0.0.1', () => {
          socket.end(bytes);
        });
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
    }
    const response = await fetch(`${dp.server.url}/bootstrap`, {
      method: 'POST',
      body: JSON.stringify({ name: 'still-up' }),
    });
    assert.equal(response.status, 200);
    await response.body?.cancel();
  });
});
