/**
 * The admin channel between the agent's end (admin-tunnel.ts) and a real DP
 * server (TLS, the tunnel endpoint, AdminTunnels) in this process; the
 * agent's Envoy is a function standing in for envoy-admin-read.ts. Also the
 * endpoint's refusals of what is not an agent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import https from 'node:https';
import { KogumaError } from '../api/errors.js';
import { generateServerCa, issueServerCertificate, loadCa } from '../mtls/index.js';
import type { Node } from '../xds/envoy/gen/envoy/config/core/v3/base_pb.js';
import {
  ADMIN_TUNNEL_PATH,
  AdminTunnels,
  MemorySnapshotCache,
  ProxyStatusRegistry,
  startDpServer,
  parseNodeId,
  type AdminRequest,
  type RunningDpServer,
} from '../xds/server/index.js';
import { encodeFrame } from '../xds/server/admin-tunnel-protocol.js';
import { openAdminTunnel, type AdminTunnel } from './admin-tunnel.js';
import { parseCpAddress } from './cp-address.js';
import type { EnvoyAdminOutput } from './envoy-admin-read.js';

interface Identified {
  readonly node: Node;
  readonly authorization: string | null;
}

let ca: string;
let dp: RunningDpServer;
const tunnels = new AdminTunnels({ answerTimeoutMs: 5_000 });
const identified: Identified[] = [];
/** What the DP server's `identify` does next: accept, or refuse with this error. */
let refusal: KogumaError | undefined;

before(async () => {
  const serverCa = await generateServerCa({ commonName: 'admin tunnel test CA', lifetimeMs: 86_400_000 });
  const certificate = await issueServerCertificate(await loadCa(serverCa.certPem, serverCa.keyPem), {
    names: ['127.0.0.1'],
    lifetimeMs: 86_400_000,
  });
  ca = serverCa.certPem;
  dp = await startDpServer({
    port: 0,
    tls: { cert: certificate.certPem, key: certificate.keyPem },
    adminTunnels: tunnels,
    bootstrapHandler: async () => ({ status: 404, contentType: 'text/plain', body: 'none' }),
    ads: {
      snapshots: new MemorySnapshotCache(),
      status: new ProxyStatusRegistry('test'),
      identify: async (node, headers) => {
        identified.push({ node, authorization: headers.get('authorization') });
        if (refusal !== undefined) throw refusal;
        return parseNodeId(node);
      },
    },
    drainTimeoutMs: 500,
  });
});

after(() => dp.close());

/** Polls `check` every 20 ms for up to 10 s. */
async function eventually<T>(what: string, check: () => T | undefined): Promise<T> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function agent(
  read: (request: AdminRequest) => Promise<EnvoyAdminOutput>,
  logs: string[],
  nodeId = 'default.web-1',
): AdminTunnel {
  return openAdminTunnel({
    cpAddress: parseCpAddress(dp.url),
    caCert: ca,
    token: 'the.dataplane.token',
    nodeId,
    metadata: { 'dataplane.resource': '{"type":"Dataplane"}' },
    agentVersion: 'test',
    read,
    log: (line) => logs.push(line),
    retry: { initialMs: 50, maxMs: 200 },
  });
}

describe('the admin channel, agent to DP server', () => {
  it('opens with the token and the node, and carries requests and answers, a large one intact', async () => {
    const logs: string[] = [];
    const large = Buffer.alloc(5 * 1024 * 1024, 'stat.name: 1\n');
    const asked: AdminRequest[] = [];
    const tunnel = agent(async (request) => {
      asked.push(request);
      return request.path === 'stats'
        ? { status: 200, contentType: 'text/plain', body: large }
        : { status: 200, contentType: 'application/json', body: Buffer.from('{"configs":[]}') };
    }, logs);
    try {
      await eventually('the channel', () => (tunnels.connected('default.web-1') ? true : undefined));
      const seen = identified.at(-1)!;
      assert.equal(seen.node.id, 'default.web-1');
      assert.deepEqual(seen.node.metadata, { 'dataplane.resource': '{"type":"Dataplane"}' });
      assert.equal(seen.authorization, 'Bearer the.dataplane.token');

      const [stats, dump] = await Promise.all([
        tunnels.fetch('default.web-1', { path: 'stats', query: {} }),
        tunnels.fetch('default.web-1', { path: 'config_dump', query: { include_eds: '' } }),
      ]);
      assert.ok(Buffer.from(stats.body).equals(large));
      assert.equal(Buffer.from(dump.body).toString(), '{"configs":[]}');
      assert.equal(dump.contentType, 'application/json');
      assert.deepEqual(asked.map((r) => r.path).sort(), ['config_dump', 'stats']);
      assert.ok(
        logs.some((line) => line.startsWith('admin channel open: the control plane at https://127.0.0.1:')),
        logs.join('\n'),
      );
    } finally {
      tunnel.close();
    }
    await eventually('the channel to close', () => (tunnels.connected('default.web-1') ? undefined : true));
  });

  it("an Envoy the agent cannot read gives the control plane the agent's reason", async () => {
    const tunnel = agent(async () => {
      throw new Error('Envoy is not running, or has not brought its admin API up yet');
    }, []);
    try {
      await eventually('the channel', () => (tunnels.connected('default.web-1') ? true : undefined));
      await assert.rejects(
        tunnels.fetch('default.web-1', { path: 'clusters', query: {} }),
        (error: unknown) =>
          error instanceof KogumaError &&
          error.code === 'Unavailable' &&
          error.message.endsWith(
            "could not read Envoy's admin API: Envoy is not running, or has not brought its admin API up yet",
          ),
      );
    } finally {
      tunnel.close();
    }
  });

  it('a refused agent logs the reason once and tries again until it is let in', async () => {
    refusal = new KogumaError('Unauthenticated', 'the dataplane token has expired');
    const logs: string[] = [];
    const tunnel = agent(
      async () => ({ status: 200, contentType: 'text/plain', body: Buffer.from('ok') }),
      logs,
      'default.db-1',
    );
    try {
      await eventually('three refusals', () =>
        identified.filter((i) => i.node.id === 'default.db-1').length >= 3 ? true : undefined,
      );
      const refusedLines = logs.filter((line) =>
        line.startsWith('admin channel: the control plane refused (401): the dataplane token has expired; retrying in'),
      );
      assert.equal(refusedLines.length, 1, logs.join('\n'));
      assert.equal(tunnels.connected('default.db-1'), false);
      refusal = undefined;
      await eventually('the channel once allowed', () => (tunnels.connected('default.db-1') ? true : undefined));
    } finally {
      refusal = undefined;
      tunnel.close();
    }
  });
});

describe('the tunnel endpoint refuses what is not an agent', () => {
  /** One HTTP/2 request to the tunnel path with `body`; the status and the body answered. */
  async function post(body: Buffer, method = 'POST'): Promise<{ status: number; text: string }> {
    const session = http2.connect(dp.url, { ca });
    session.on('error', () => undefined);
    try {
      const stream = session.request({ ':method': method, ':path': ADMIN_TUNNEL_PATH }, { endStream: false });
      stream.on('error', () => undefined);
      stream.end(body);
      let status = 0;
      let text = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      await new Promise((resolve) => stream.on('close', resolve));
      return { status, text };
    } finally {
      session.close();
    }
  }

  it('a first frame that is not a hello, bytes that are not frames, a GET, HTTP/1', async () => {
    const notHello = await post(encodeFrame({ kind: 'welcome' }));
    assert.equal(notHello.status, 400);
    assert.deepEqual(JSON.parse(notHello.text), {
      type: '/std-errors',
      status: 400,
      title: 'Invalid input',
      detail: 'not an admin channel: the first frame is not a hello',
    });
    const garbage = await post(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    assert.equal(garbage.status, 400);
    assert.match(
      JSON.parse(garbage.text).detail,
      /^not an admin channel: a frame (header|body) of \d+ bytes is over the limit/,
    );
    const get = await post(Buffer.alloc(0), 'GET');
    assert.equal(get.status, 405);
    const http1 = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = https.request(`${dp.url}${ADMIN_TUNNEL_PATH}`, { method: 'POST', ca }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on('error', reject);
      request.end('x');
    });
    assert.equal(http1.status, 400);
    assert.equal(
      JSON.parse(http1.text).detail,
      `${ADMIN_TUNNEL_PATH} needs HTTP/2 (the admin channel is one stream both sides write)`,
    );
  });
});
