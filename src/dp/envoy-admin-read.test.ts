import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvoyAdmin, redactSecrets, type EnvoyAdminReadOptions } from './envoy-admin-read.js';

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJuYW1lIjoid2ViLTEifQ.c2lnbmF0dXJl';

let dir: string;
let admin: Server;
const seen: string[] = [];

/** A stand-in admin API: the config dump holds the token twice; /clusters trickles forever; /stats is large. */
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koguma-admin-read-'));
  admin = createServer((request, response) => {
    seen.push(request.url ?? '');
    if (request.url?.startsWith('/config_dump')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ initial_metadata: [{ key: 'authorization', value: `Bearer ${TOKEN}` }], again: TOKEN }),
      );
    } else if (request.url === '/stats') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
      response.end('x'.repeat(4096));
    } else {
      response.writeHead(200);
      const timer = setInterval(() => response.write('.'), 20);
      response.on('close', () => clearInterval(timer));
    }
  });
  await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', resolve));
  await writeFile(join(dir, 'address'), `127.0.0.1:${(admin.address() as AddressInfo).port}\n`);
});

after(async () => {
  admin.closeAllConnections();
  await new Promise((resolve) => admin.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const options = (overrides: Partial<EnvoyAdminReadOptions> = {}): EnvoyAdminReadOptions => ({
  addressFile: join(dir, 'address'),
  timeoutMs: 2_000,
  limitBytes: 1024 * 1024,
  secrets: [TOKEN],
  ...overrides,
});

describe("reading the agent's Envoy admin API", () => {
  it('the config dump comes back with the dataplane token redacted wherever it was', async () => {
    const output = await readEnvoyAdmin({ path: 'config_dump', query: { include_eds: '' } }, options());
    assert.equal(output.status, 200);
    assert.equal(output.contentType, 'application/json');
    assert.deepEqual(JSON.parse(output.body.toString()), {
      initial_metadata: [{ key: 'authorization', value: 'Bearer [redacted]' }],
      again: '[redacted]',
    });
    assert.equal(seen.at(-1), '/config_dump?include_eds');
  });

  it('refuses an answer past the size limit, one too slow, a path it does not carry, and an Envoy not up', async () => {
    await assert.rejects(
      readEnvoyAdmin({ path: 'stats', query: {} }, options({ limitBytes: 1024 })),
      /does not answer: its answer is larger than 1024 bytes$/,
    );
    await assert.rejects(
      readEnvoyAdmin({ path: 'clusters', query: {} }, options({ timeoutMs: 300 })),
      /^Error: Envoy's admin API on 127\.0\.0\.1:\d+ does not answer: no complete answer within 0\.3s$/,
    );
    await assert.rejects(
      readEnvoyAdmin({ path: 'quitquitquit' as 'stats', query: {} }, options()),
      /is not one the tunnel carries/,
    );
    await assert.rejects(
      readEnvoyAdmin({ path: 'stats', query: {} }, options({ addressFile: join(dir, 'none') })),
      /^Error: Envoy is not running, or has not brought its admin API up yet$/,
    );
    assert.ok(!seen.includes('/quitquitquit'));
  });

  it('redactSecrets leaves text without secrets as it is', () => {
    assert.equal(redactSecrets('a b a', ['a', '']), '[redacted] b [redacted]');
    assert.equal(redactSecrets('nothing here', []), 'nothing here');
  });
});
