import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  adminUrlPath,
  encodeFrame,
  refusedAdminRequest,
  TunnelFrameError,
  TunnelFrameReader,
  type TunnelHeader,
} from './admin-tunnel-protocol.js';

const hello: TunnelHeader = {
  kind: 'hello',
  nodeId: 'default.web-1',
  metadata: { 'dataplane.resource': '{}' },
  agentVersion: '0.1.0',
};
const answer: TunnelHeader = { kind: 'answer', id: 7, status: 200, contentType: 'text/plain' };

describe('admin tunnel frames', () => {
  it('come out as they went in, however the bytes are cut', () => {
    const body = Buffer.from('server.live: 1\n'.repeat(1000));
    const wire = Buffer.concat([encodeFrame(hello), encodeFrame(answer, body), encodeFrame({ kind: 'welcome' })]);
    for (const cut of [1, 7, 8, 9, 1024, wire.length]) {
      const reader = new TunnelFrameReader();
      const frames = [];
      for (let at = 0; at < wire.length; at += cut) frames.push(...reader.push(wire.subarray(at, at + cut)));
      assert.deepEqual(
        frames.map((f) => f.header),
        [hello, answer, { kind: 'welcome' }],
        `cut every ${cut} bytes`,
      );
      assert.ok(frames[1]!.body.equals(body));
      assert.equal(frames[0]!.body.length, 0);
    }
  });

  it('past a limit, or with a header that is not a known frame, end the stream with a TunnelFrameError', () => {
    const limits = { headerBytes: 200, bodyBytes: 10 };
    assert.throws(
      () => new TunnelFrameReader(limits).push(encodeFrame(answer, Buffer.alloc(11))),
      (e: unknown) => e instanceof TunnelFrameError && /body of 11 bytes is over the limit of 10/.test(e.message),
    );
    assert.throws(
      () => new TunnelFrameReader(limits).push(encodeFrame({ ...hello, nodeId: 'x'.repeat(300) })),
      /header of \d+ bytes is over the limit of 200/,
    );
    const raw = (json: string) => {
      const header = Buffer.from(json);
      const prefix = Buffer.alloc(8);
      prefix.writeUInt32BE(header.length, 0);
      return Buffer.concat([prefix, header]);
    };
    assert.throws(() => new TunnelFrameReader().push(raw('not json')), /a frame header is not JSON/);
    assert.throws(() => new TunnelFrameReader().push(raw('{"kind":"shell"}')), /a frame header has no known kind/);
    assert.throws(
      () => new TunnelFrameReader().push(raw('{"kind":"answer","id":1,"status":"200","contentType":"x"}')),
      /a "answer" frame has no status/,
    );
    assert.throws(
      () => new TunnelFrameReader().push(raw('{"kind":"request","id":1,"path":"stats","query":null}')),
      /a "request" frame has no query/,
    );
  });
});

describe('admin requests', () => {
  it('are limited to config_dump, stats and clusters, with the query each may carry', () => {
    assert.equal(refusedAdminRequest('config_dump', { include_eds: '' }), undefined);
    assert.equal(refusedAdminRequest('stats', {}), undefined);
    assert.equal(refusedAdminRequest('clusters', { format: 'json' }), undefined);
    assert.equal(
      refusedAdminRequest('quitquitquit', {}),
      'admin path "quitquitquit" is not one the tunnel carries (config_dump, stats, clusters)',
    );
    assert.equal(
      refusedAdminRequest('__proto__', {}),
      'admin path "__proto__" is not one the tunnel carries (config_dump, stats, clusters)',
    );
    assert.equal(refusedAdminRequest('stats', { filter: '.*' }), 'query parameter "filter" is not allowed on stats');
    assert.equal(
      refusedAdminRequest('stats', { format: 'prometheus' }),
      'query parameter format="prometheus" is not allowed on stats',
    );
  });

  it("are written as Envoy's admin API takes them", () => {
    assert.equal(adminUrlPath({ path: 'config_dump', query: { include_eds: '' } }), '/config_dump?include_eds');
    assert.equal(adminUrlPath({ path: 'stats', query: { format: 'json' } }), '/stats?format=json');
    assert.equal(adminUrlPath({ path: 'clusters', query: {} }), '/clusters');
  });
});
