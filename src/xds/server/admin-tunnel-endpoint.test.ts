/**
 * The DP server's end of the admin channel, driven by a raw HTTP/2 client
 * that plays the agent (or fails to): identification, refusals, the hello
 * deadline, revocation and replacement.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { KogumaError } from '../../api/errors.js';
import { adminTunnelEndpoint } from './admin-tunnel-endpoint.js';
import { ADMIN_TUNNEL_PATH, encodeFrame, TunnelFrameReader, type TunnelHeader } from './admin-tunnel-protocol.js';
import { AdminTunnels } from './admin-tunnels.js';
import { parseNodeId, type NodeIdentity } from './node-identity.js';

const tunnels = new AdminTunnels({ answerTimeoutMs: 2_000 });
/** Per node id: refuse with this error, or revoke through this controller. */
const refusals = new Map<string, KogumaError>();
const revocations = new Map<string, AbortController>();
let server: http2.Http2Server;
const sessions = new Set<http2.ServerHttp2Session>();
let url: string;

before(async () => {
  const endpoint = adminTunnelEndpoint({
    tunnels,
    logger: pino({ level: 'silent' }),
    helloTimeoutMs: 200,
    identify: async (node): Promise<NodeIdentity> => {
      const refusal = refusals.get(node.id);
      if (refusal !== undefined) throw refusal;
      const revoked = new AbortController();
      revocations.set(node.id, revoked);
      return { ...parseNodeId(node), credential: { revoked: revoked.signal, release: () => undefined } };
    },
  });
  server = http2.createServer((request, response) => endpoint(request, response));
  server.on('session', (session) => sessions.add(session));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const session of sessions) session.destroy();
  await closed;
});

/** A tunnel opened by hand: what the server answers (status, JSON body when refused, frames) and when it ends. */
function open(first?: Buffer) {
  const session = http2.connect(url);
  session.on('error', () => undefined);
  const stream = session.request({ ':method': 'POST', ':path': ADMIN_TUNNEL_PATH }, { endStream: false });
  stream.on('error', () => undefined);
  if (first !== undefined) stream.write(first);
  const reader = new TunnelFrameReader();
  const frames: TunnelHeader[] = [];
  let status = 0;
  let text = '';
  stream.on('response', (headers) => (status = Number(headers[':status'])));
  stream.on('data', (chunk: Buffer) => {
    if (status === 200) frames.push(...reader.push(chunk).map((f) => f.header));
    else text += chunk.toString('utf8');
  });
  const closed = new Promise<void>((resolve) => stream.on('close', resolve));
  return {
    session,
    stream,
    frames,
    closed,
    status: () => status,
    body: () => (text === '' ? undefined : JSON.parse(text)),
  };
}

const hello = (nodeId: string) => encodeFrame({ kind: 'hello', nodeId, metadata: {}, agentVersion: 'test' });

async function eventually(what: string, check: () => boolean): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the admin tunnel endpoint', { timeout: 20_000 }, () => {
  it('welcomes an identified agent and registers its tunnel until it closes', async () => {
    const agent = open(hello('default.web-1'));
    await eventually('the welcome', () => agent.frames.length > 0);
    assert.deepEqual(agent.frames, [{ kind: 'welcome' }]);
    assert.equal(tunnels.connected('default.web-1'), true);
    agent.stream.close();
    await eventually('the tunnel to go', () => !tunnels.connected('default.web-1'));
    agent.session.close();
  });

  it('refuses an agent its identify refuses, with the error body of the REST API', async () => {
    refusals.set(
      'default.intruder',
      new KogumaError('Unauthenticated', 'this control plane requires a dataplane token'),
    );
    const agent = open(hello('default.intruder'));
    await agent.closed;
    assert.equal(agent.status(), 401);
    assert.deepEqual(agent.body(), {
      type: '/std-errors',
      status: 401,
      title: 'Unauthenticated',
      detail: 'this control plane requires a dataplane token',
    });
    assert.equal(tunnels.connected('default.intruder'), false);
    agent.session.close();
  });

  it('gives up on a client that sends no hello in time, and survives one that leaves before it', async () => {
    const silent = open();
    await silent.closed;
    assert.equal(silent.status(), 400);
    silent.session.close();
    const leaving = open();
    leaving.session.destroy();
    await leaving.closed;
    const after = open(hello('default.after'));
    await eventually('an agent served after those', () => after.frames.length > 0);
    after.session.close();
  });

  it('ends the tunnel when its credential is revoked, and ends an older tunnel a newer one replaces', async () => {
    const first = open(hello('default.db-1'));
    await eventually('the first welcome', () => first.frames.length > 0);
    const second = open(hello('default.db-1'));
    await eventually('the second welcome', () => second.frames.length > 0);
    await first.closed;
    assert.equal(tunnels.connected('default.db-1'), true, 'the newer tunnel stays');
    revocations.get('default.db-1')!.abort(new KogumaError('Unauthenticated', 'the token was revoked'));
    await second.closed;
    await eventually('the tunnel to go', () => !tunnels.connected('default.db-1'));
    first.session.close();
    second.session.close();
  });
});
