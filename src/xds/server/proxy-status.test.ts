import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TypeUrl } from '../resource-types.js';
import { ProxyStatusRegistry, type StreamInfo } from './proxy-status.js';

const at = (second: number): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, second));
const stream = (streamId: string, second: number): StreamInfo => ({
  streamId,
  nodeId: 'default.web-1',
  protocol: 'delta',
  since: at(second),
  resumed: false,
});

describe('ProxyStatusRegistry', () => {
  it('keeps per type what was sent, acknowledged and rejected', () => {
    const registry = new ProxyStatusRegistry('cp-1');
    const reporter = registry.connected(stream('s1', 0));
    reporter.sent(TypeUrl.Cluster, 'v1', 'n1', at(1));
    reporter.acked(TypeUrl.Cluster, 'v1', at(2));
    reporter.sent(TypeUrl.Cluster, 'v2', 'n2', at(3));
    reporter.nacked(TypeUrl.Cluster, 'v2', 'bad cluster', at(4));
    const status = registry.get('default.web-1');
    assert.ok(status);
    assert.equal(status.connected, true);
    assert.equal(status.protocol, 'delta');
    assert.equal(status.instanceId, 'cp-1');
    assert.deepEqual(status.since, at(0));
    assert.deepEqual(status.types.get(TypeUrl.Cluster), {
      sent: { version: 'v2', nonce: 'n2', at: at(3) },
      acked: { version: 'v1', at: at(2) },
      lastNack: { version: 'v2', error: 'bad cluster', at: at(4) },
      responsesSent: 2,
      responsesAcked: 1,
      responsesRejected: 1,
    });
    reporter.disconnected(at(5));
    const after = registry.get('default.web-1');
    assert.equal(after?.connected, false);
    assert.deepEqual(after?.disconnectedAt, at(5));
  });

  it('the newest stream of a node owns its status; the old stream closing late changes nothing', () => {
    const registry = new ProxyStatusRegistry('cp-1');
    const old = registry.connected(stream('s1', 0));
    old.nacked(TypeUrl.Listener, 'v1', 'bad listener', at(1));
    const current = registry.connected(stream('s2', 2));
    old.sent(TypeUrl.Cluster, 'v9', 'n9', at(3));
    old.disconnected(at(3));
    current.sent(TypeUrl.Listener, 'v2', 'n1', at(4));
    const status = registry.get('default.web-1');
    assert.equal(status?.streamId, 's2');
    assert.equal(status?.connected, true);
    assert.equal(status?.types.get(TypeUrl.Cluster), undefined);
    assert.deepEqual(
      status?.types.get(TypeUrl.Listener)?.lastNack,
      { version: 'v1', error: 'bad listener', at: at(1) },
      'a NACK stays visible across reconnects',
    );
    assert.equal(registry.list().length, 1);
    registry.forget('default.web-1');
    assert.equal(registry.get('default.web-1'), undefined);
  });

  it("the agent's certificate stream beside a proxyless application's own does not take over its status", () => {
    const registry = new ProxyStatusRegistry('cp-1');
    const app = registry.connected(stream('s1', 0));
    app.sent(TypeUrl.Listener, 'v1', 'n1', at(1));
    const certificates = registry.connected({ ...stream('s2', 2), certificatesOnly: true });
    certificates.sent(TypeUrl.Secret, 'c1', 'n2', at(3));
    certificates.disconnected(at(4));
    const status = registry.get('default.web-1');
    assert.equal(status?.streamId, 's1');
    assert.equal(status?.connected, true);
    assert.deepEqual([...(status?.types.keys() ?? [])], [TypeUrl.Listener]);
  });
});
