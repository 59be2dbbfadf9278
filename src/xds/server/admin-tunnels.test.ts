import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKogumaError } from '../../api/errors.js';
import { TunnelFrameReader, type TunnelFrame, type TunnelHeader } from './admin-tunnel-protocol.js';
import { AdminTunnels, type TunnelPeer } from './admin-tunnels.js';

/** A peer that records what the control plane sends it, decoded. */
function recordingPeer(): TunnelPeer & { sent: TunnelHeader[]; ended: string[]; writable: boolean } {
  const reader = new TunnelFrameReader();
  const peer = {
    sent: [] as TunnelHeader[],
    ended: [] as string[],
    writable: true,
    send: (frame: Uint8Array) => {
      if (!peer.writable) return false;
      peer.sent.push(...reader.push(frame).map((f) => f.header));
      return true;
    },
    end: (reason: string) => void peer.ended.push(reason),
  };
  return peer;
}

const frame = (header: TunnelHeader, body = ''): TunnelFrame => ({ header, body: Buffer.from(body) });

const unavailable = (pattern: RegExp) => (error: unknown) =>
  isKogumaError(error, 'Unavailable') && pattern.test(error.message);

describe('AdminTunnels', () => {
  it("sends a request down the dataplane's tunnel and resolves with the agent's answer", async () => {
    const tunnels = new AdminTunnels();
    const peer = recordingPeer();
    const tunnel = tunnels.open('default.web-1', peer);
    const pending = tunnels.fetch('default.web-1', { path: 'stats', query: { format: 'json' } });
    assert.deepEqual(peer.sent, [{ kind: 'request', id: 1, path: 'stats', query: { format: 'json' } }]);
    assert.equal(
      tunnel.received(frame({ kind: 'answer', id: 1, status: 200, contentType: 'application/json' }, '{"stats":[]}')),
      true,
    );
    const answer = await pending;
    assert.equal(answer.status, 200);
    assert.equal(answer.contentType, 'application/json');
    assert.equal(Buffer.from(answer.body).toString(), '{"stats":[]}');
  });

  it('without a tunnel, or on an agent failure, a timeout or a closed tunnel, refuses with Unavailable and the reason', async () => {
    const tunnels = new AdminTunnels({ answerTimeoutMs: 50 });
    await assert.rejects(
      tunnels.fetch('default.web-1', { path: 'stats', query: {} }),
      unavailable(/^dataplane default\/web-1 has no admin channel to this control-plane instance/),
    );
    const tunnel = tunnels.open('default.web-1', recordingPeer());

    const failed = tunnels.fetch('default.web-1', { path: 'clusters', query: {} });
    tunnel.received(frame({ kind: 'failure', id: 1, reason: 'Envoy is not running' }));
    await assert.rejects(
      failed,
      unavailable(/^the agent of dataplane default\/web-1 could not read Envoy's admin API: Envoy is not running$/),
    );

    await assert.rejects(
      tunnels.fetch('default.web-1', { path: 'stats', query: {} }),
      unavailable(/^the agent of dataplane default\/web-1 did not answer within 0.05s$/),
    );
    assert.equal(
      tunnel.received(frame({ kind: 'answer', id: 2, status: 200, contentType: 'text/plain' })),
      true,
      'a late answer is dropped quietly',
    );
    assert.equal(
      tunnel.received(frame({ kind: 'answer', id: 99, status: 200, contentType: 'text/plain' })),
      false,
      'an answer to nothing asked breaks the protocol',
    );
    assert.equal(tunnel.received(frame({ kind: 'welcome' })), false);

    const cut = tunnels.fetch('default.web-1', { path: 'stats', query: {} });
    tunnel.closed('the agent closed it');
    await assert.rejects(cut, unavailable(/closed before the agent answered: the agent closed it$/));
    assert.equal(tunnels.connected('default.web-1'), false);
  });

  it('a newer tunnel of the same dataplane replaces and ends the older one; the older closing later changes nothing', async () => {
    const tunnels = new AdminTunnels();
    const older = recordingPeer();
    const first = tunnels.open('default.web-1', older);
    const newer = recordingPeer();
    const second = tunnels.open('default.web-1', newer);
    assert.deepEqual(older.ended, ['a newer admin channel of the same dataplane replaced it']);
    first.closed('replaced');
    assert.equal(tunnels.connected('default.web-1'), true);
    const pending = tunnels.fetch('default.web-1', { path: 'clusters', query: {} });
    assert.equal(newer.sent.length, 1);
    second.received(
      frame({ kind: 'answer', id: 1, status: 200, contentType: 'text/plain' }, 'web::observability_name::web'),
    );
    assert.equal(Buffer.from((await pending).body).toString(), 'web::observability_name::web');
  });

  it('refuses a request past the waiting limit, one the tunnel does not carry, and one it cannot write', async () => {
    const tunnels = new AdminTunnels({ maxWaiting: 1 });
    const peer = recordingPeer();
    const web = tunnels.open('default.web-1', peer);
    const waiting = tunnels.fetch('default.web-1', { path: 'stats', query: {} });
    await assert.rejects(
      tunnels.fetch('default.web-1', { path: 'stats', query: {} }),
      unavailable(/has 1 admin requests waiting already/),
    );
    await assert.rejects(
      tunnels.fetch('default.web-1', { path: 'quitquitquit' as 'stats', query: {} }),
      (error: unknown) => isKogumaError(error, 'InvalidInput') && /not one the tunnel carries/.test(error.message),
    );
    peer.writable = false;
    tunnels.open('default.db-1', peer);
    await assert.rejects(
      tunnels.fetch('default.db-1', { path: 'stats', query: {} }),
      unavailable(/admin channel of dataplane default\/db-1 is closing/),
    );
    web.closed('the test is over');
    await assert.rejects(waiting, unavailable(/the test is over$/));
  });
});
