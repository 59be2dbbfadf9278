/**
 * The admin tunnels open on this control-plane instance, one per dataplane,
 * and the requests waiting for an answer on each. The REST API asks here
 * (`fetch`); the DP server's tunnel endpoint (admin-tunnel-endpoint.ts)
 * opens tunnels and hands over what the agents answer.
 *
 *   fetch(nodeId, request) ─► tunnel of nodeId? ── no ──► Unavailable (not connected here)
 *                                  │ yes: too many waiting? ──► Unavailable
 *                                  └─► request frame ─► agent ─► answer frame ─► resolved
 *                                                               (timeout, tunnel closed ─► Unavailable)
 *
 * A newer tunnel of the same dataplane replaces the older one (an agent that
 * reconnected before its old connection was noticed as dead), which is
 * ended. Every wait is bounded by `answerTimeoutMs`.
 */
import { KogumaError } from '../../api/index.js';
import { encodeFrame, refusedAdminRequest, type AdminRequest, type TunnelFrame } from './admin-tunnel-protocol.js';

export interface AdminAnswer {
  /** Envoy's HTTP status. */
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** What the REST API reads Envoy admin output through. */
export interface EnvoyAdminSource {
  /** Envoy's answer through the dataplane's agent; a KogumaError (Unavailable) when there is none to be had. */
  fetch(nodeId: string, request: AdminRequest): Promise<AdminAnswer>;
}

/** One open tunnel, as the endpoint drives it. */
export interface TunnelPeer {
  /** Writes a frame to the agent; false when it can no longer be written. */
  send(frame: Uint8Array): boolean;
  /** Ends the tunnel (the endpoint closes the HTTP/2 stream). */
  end(reason: string): void;
}

export interface AdminTunnelsOptions {
  /** How long a request waits for the agent's answer (default 10 s). */
  readonly answerTimeoutMs?: number;
  /** Requests that may wait on one tunnel at once (default 8); more are refused at once. */
  readonly maxWaiting?: number;
}

interface Waiting {
  resolve(answer: AdminAnswer): void;
  reject(error: KogumaError): void;
}

/** One tunnel: its peer and the requests waiting on it. */
class Tunnel {
  readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  constructor(
    readonly nodeId: string,
    readonly peer: TunnelPeer,
  ) {}

  request(request: AdminRequest, timeoutMs: number): Promise<AdminAnswer> {
    const id = this.nextId++;
    return new Promise<AdminAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(
          new KogumaError(
            'Unavailable',
            `the agent of dataplane ${describeNode(this.nodeId)} did not answer within ${timeoutMs / 1000}s`,
          ),
        );
      }, timeoutMs);
      const settle =
        <T>(settle: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          this.waiting.delete(id);
          settle(value);
        };
      this.waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      if (!this.peer.send(encodeFrame({ kind: 'request', id, ...request }))) {
        this.waiting
          .get(id)
          ?.reject(
            new KogumaError('Unavailable', `the admin channel of dataplane ${describeNode(this.nodeId)} is closing`),
          );
      }
    });
  }

  /** An answer or failure frame from the agent; false when it answers nothing that was asked. */
  received(frame: TunnelFrame): boolean {
    const { header } = frame;
    if (header.kind !== 'answer' && header.kind !== 'failure') return false;
    const waiting = this.waiting.get(header.id);
    // An answer after its request timed out is dropped; one to a request never made is the agent's bug.
    if (waiting === undefined) return header.id < this.nextId;
    if (header.kind === 'failure')
      waiting.reject(
        new KogumaError(
          'Unavailable',
          `the agent of dataplane ${describeNode(this.nodeId)} could not read Envoy's admin API: ${header.reason}`,
        ),
      );
    else waiting.resolve({ status: header.status, contentType: header.contentType, body: frame.body });
    return true;
  }

  closed(reason: string): void {
    for (const waiting of [...this.waiting.values()]) {
      waiting.reject(
        new KogumaError(
          'Unavailable',
          `the admin channel of dataplane ${describeNode(this.nodeId)} closed before the agent answered: ${reason}`,
        ),
      );
    }
  }
}

/** `mesh.name` as `mesh/name`, the way the CLI and the API name a dataplane. */
function describeNode(nodeId: string): string {
  const dot = nodeId.indexOf('.');
  return dot > 0 ? `${nodeId.slice(0, dot)}/${nodeId.slice(dot + 1)}` : nodeId;
}

export class AdminTunnels implements EnvoyAdminSource {
  private readonly tunnels = new Map<string, Tunnel>();
  private readonly answerTimeoutMs: number;
  private readonly maxWaiting: number;

  constructor(options: AdminTunnelsOptions = {}) {
    this.answerTimeoutMs = options.answerTimeoutMs ?? 10_000;
    this.maxWaiting = options.maxWaiting ?? 8;
  }

  /**
   * A tunnel of `nodeId` is open. Returns what the endpoint calls with each
   * frame the agent sends (false: the frame breaks the protocol, end the
   * tunnel) and once the tunnel has closed.
   */
  open(nodeId: string, peer: TunnelPeer): { received(frame: TunnelFrame): boolean; closed(reason: string): void } {
    const tunnel = new Tunnel(nodeId, peer);
    const previous = this.tunnels.get(nodeId);
    this.tunnels.set(nodeId, tunnel);
    previous?.peer.end('a newer admin channel of the same dataplane replaced it');
    return {
      received: (frame) => tunnel.received(frame),
      closed: (reason) => {
        if (this.tunnels.get(nodeId) === tunnel) this.tunnels.delete(nodeId);
        tunnel.closed(reason);
      },
    };
  }

  /** Whether `nodeId` has a tunnel open here. */
  connected(nodeId: string): boolean {
    return this.tunnels.has(nodeId);
  }

  get size(): number {
    return this.tunnels.size;
  }

  async fetch(nodeId: string, request: AdminRequest): Promise<AdminAnswer> {
    const refused = refusedAdminRequest(request.path, request.query);
    if (refused !== undefined) throw new KogumaError('InvalidInput', refused);
    const tunnel = this.tunnels.get(nodeId);
    if (tunnel === undefined) {
      throw new KogumaError(
        'Unavailable',
        `dataplane ${describeNode(nodeId)} has no admin channel to this control-plane instance: its agent (koguma dp run) is not running, cannot reach the control plane, or is connected to another instance`,
      );
    }
    if (tunnel.waiting.size >= this.maxWaiting) {
      throw new KogumaError(
        'Unavailable',
        `dataplane ${describeNode(nodeId)} has ${tunnel.waiting.size} admin requests waiting already; try again shortly`,
      );
    }
    return tunnel.request(request, this.answerTimeoutMs);
  }
}
