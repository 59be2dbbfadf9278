/**
 * The agent's end of the admin channel (protocol:
 * src/xds/server/admin-tunnel-protocol.ts): `koguma dp run` keeps one
 * HTTP/2 request open to the DP server, and answers the control plane's
 * requests for its Envoy's config dump, stats and clusters by reading the
 * local admin API (envoy-admin-read.ts). The agent dials out, so this works
 * wherever the bootstrap could be fetched, NAT included.
 *
 *   open ─► hello (node id, Dataplane, token in `authorization`) ─► 200 + welcome ─► serve requests
 *     └─ refused (4xx), failed, or ended ─► wait (backoff, reset once a channel was welcomed) ─► open again
 *
 * At most `maxConcurrent` requests are read from Envoy at once; more are
 * answered with a failure at once. Logged: the channel opening, and each
 * distinct reason it is down, once.
 */
import http2 from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ADMIN_ANSWER_LIMIT_BYTES,
  ADMIN_TUNNEL_CONTENT_TYPE,
  ADMIN_TUNNEL_PATH,
  encodeFrame,
  TunnelFrameReader,
  type AdminRequest,
  type TunnelFrame,
} from '../xds/server/index.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { CpAddress } from './cp-address.js';
import { sizeOf, type EnvoyAdminOutput } from './envoy-admin-read.js';
import type { DpLog } from './log.js';
import { UpstreamSession } from './xds-relay-upstream.js';

export interface AdminTunnelOptions {
  readonly cpAddress: CpAddress;
  /** PEM of `--ca-cert-file`, for an https:// DP server. */
  readonly caCert?: string;
  readonly token?: string;
  /** `<mesh>.<name>`, and the metadata an ADS stream of this proxy carries (its Dataplane in direct mode). */
  readonly nodeId: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly agentVersion: string;
  /** Reads the local Envoy's admin API; throws with the reason it cannot. */
  readonly read: (request: AdminRequest) => Promise<EnvoyAdminOutput>;
  readonly log: DpLog;
  readonly retry?: BackoffPolicy;
  readonly maxConcurrent?: number;
  /** Pings of the HTTP/2 session, so a vanished control plane is noticed (defaults: those of UpstreamSession). */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveTimeoutMs?: number;
}

export interface AdminTunnel {
  /** What the agent says about its Envoy (up, or restarting and why); sent now and again whenever the channel reopens. */
  report(state: { readonly phase: 'up' | 'restarting'; readonly reason: string }): void;
  /**
   * Tells the control plane the proxy is stopping, so it takes the proxy out
   * of its callers' endpoints; resolves true once it says it did, false when
   * the channel is not open or it does not answer within `timeoutMs`.
   */
  leave(timeoutMs: number): Promise<boolean>;
  /** Stops serving and closes the connection; no reconnect follows. */
  close(): void;
}

const DEFAULT_RETRY: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000 };
/** The most of a refusal's body read, for its message. */
const REFUSAL_LIMIT_BYTES = 64 * 1024;

/** How one attempt ended, and whether it was welcomed first (which resets the backoff). */
interface Outcome {
  readonly welcomed: boolean;
  readonly reason: string;
}

/** The `detail` of a /std-errors body, or the text as it came. */
function refusalDetail(status: number, text: string): string {
  try {
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    if (typeof detail === 'string') return `refused (${status}): ${detail}`;
  } catch {
    // not JSON: a server of another kind
  }
  return `refused (${status})${text.trim() === '' ? '' : `: ${text.trim().slice(0, 300)}`}`;
}

export function openAdminTunnel(options: AdminTunnelOptions): AdminTunnel {
  const stopped = new AbortController();
  const session = new UpstreamSession(
    {
      upstreamUrl: options.cpAddress.url,
      ...(options.caCert === undefined ? {} : { ca: options.caCert }),
      ...(options.keepaliveIntervalMs === undefined ? {} : { keepaliveIntervalMs: options.keepaliveIntervalMs }),
      ...(options.keepaliveTimeoutMs === undefined ? {} : { keepaliveTimeoutMs: options.keepaliveTimeoutMs }),
    },
    // The channel logs its own state, once per reason (below); the session's lines would repeat them.
    () => undefined,
  );
  let current: { stream: http2.ClientHttp2Stream; welcomed: () => boolean } | undefined;
  const leftWaiters = new Set<() => void>();
  let lastReport: { readonly phase: 'up' | 'restarting'; readonly reason: string } | undefined;
  const sendReport = (): void => {
    const open = current;
    if (
      lastReport === undefined ||
      open === undefined ||
      !open.welcomed() ||
      open.stream.destroyed ||
      open.stream.writableEnded
    )
      return;
    open.stream.write(encodeFrame({ kind: 'status', ...lastReport }));
  };

  void (async () => {
    let failures = 0;
    let lastReason: string | undefined;
    while (!stopped.signal.aborted) {
      const outcome = await attempt(options, session, (stream, welcomed) => (current = { stream, welcomed }), {
        onWelcome: sendReport,
        onLeft: () => {
          for (const resolve of leftWaiters) resolve();
          leftWaiters.clear();
        },
      });
      current = undefined;
      if (stopped.signal.aborted) break;
      if (outcome.welcomed) {
        failures = 0;
        lastReason = undefined;
      }
      const delayMs = backoffDelay(options.retry ?? DEFAULT_RETRY, failures++);
      // Each reason once: a control plane that stays down costs one line, not one per retry.
      if (outcome.reason !== lastReason)
        options.log(`admin channel: ${outcome.reason}; retrying in ${delayMs / 1000}s`);
      lastReason = outcome.reason;
      await sleep(delayMs, undefined, { signal: stopped.signal }).catch(() => undefined);
    }
  })();

  return {
    report: (state) => {
      lastReport = state;
      sendReport();
    },
    leave: async (timeoutMs) => {
      const open = current;
      if (open === undefined || !open.welcomed() || open.stream.destroyed || open.stream.writableEnded) return false;
      let timer: NodeJS.Timeout | undefined;
      const left = new Promise<boolean>((resolve) => leftWaiters.add(() => resolve(true)));
      open.stream.write(encodeFrame({ kind: 'leaving' }));
      const outcome = await Promise.race([
        left,
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      return outcome;
    },
    close: () => {
      stopped.abort();
      current?.stream.close(http2.constants.NGHTTP2_CANCEL);
      session.close();
    },
  };
}

/** One channel, from opening to its end. */
function attempt(
  options: AdminTunnelOptions,
  session: UpstreamSession,
  started: (stream: http2.ClientHttp2Stream, welcomed: () => boolean) => void,
  events: { readonly onWelcome: () => void; readonly onLeft: () => void },
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let welcomed = false;
    let settled = false;
    const finish = (reason: string): void => {
      if (settled) return;
      settled = true;
      resolve({ welcomed, reason });
    };
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':path': ADMIN_TUNNEL_PATH,
      'content-type': ADMIN_TUNNEL_CONTENT_TYPE,
    };
    if (options.token !== undefined) {
      headers['authorization'] = `Bearer ${options.token}`;
      Object.defineProperty(headers, http2.sensitiveHeaders, { value: ['authorization'], enumerable: false });
    }
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(headers);
    } catch (error) {
      finish(`cannot reach the control plane: ${session.describe(error)}`);
      return;
    }
    started(stream, () => welcomed);
    stream.write(
      encodeFrame({
        kind: 'hello',
        nodeId: options.nodeId,
        metadata: options.metadata,
        agentVersion: options.agentVersion,
      }),
    );

    const reader = new TunnelFrameReader();
    const serving = new Set<number>();
    const answer = (frame: Buffer): void => {
      if (!stream.destroyed && !stream.writableEnded) stream.write(frame);
    };
    const serve = (request: TunnelFrame['header'] & { kind: 'request' }): void => {
      if (serving.size >= (options.maxConcurrent ?? 4)) {
        answer(
          encodeFrame({
            kind: 'failure',
            id: request.id,
            reason: `the agent is reading ${serving.size} admin answers already`,
          }),
        );
        return;
      }
      serving.add(request.id);
      options
        .read({ path: request.path, query: request.query })
        .then((output) => {
          if (output.body.length > ADMIN_ANSWER_LIMIT_BYTES)
            throw new Error(`its answer is larger than ${sizeOf(ADMIN_ANSWER_LIMIT_BYTES)}`);
          answer(
            encodeFrame(
              { kind: 'answer', id: request.id, status: output.status, contentType: output.contentType },
              output.body,
            ),
          );
        })
        .catch((error: unknown) =>
          answer(encodeFrame({ kind: 'failure', id: request.id, reason: (error as Error).message })),
        )
        .finally(() => serving.delete(request.id));
    };

    let refusal: { status: number; text: string } | undefined;
    stream.on('response', (responded) => {
      const status = Number(responded[':status']);
      if (status !== 200) refusal = { status, text: '' };
    });
    stream.on('data', (chunk: Buffer) => {
      if (refusal !== undefined) {
        if (refusal.text.length < REFUSAL_LIMIT_BYTES) refusal.text += chunk.toString('utf8');
        return;
      }
      let frames: TunnelFrame[];
      try {
        frames = reader.push(chunk);
      } catch (error) {
        stream.close(http2.constants.NGHTTP2_PROTOCOL_ERROR);
        finish(`the control plane broke the protocol: ${(error as Error).message}`);
        return;
      }
      for (const frame of frames) {
        if (frame.header.kind === 'welcome' && !welcomed) {
          welcomed = true;
          options.log(
            `admin channel open: the control plane at ${options.cpAddress.url} can read this Envoy's config dump, stats and clusters`,
          );
          events.onWelcome();
        } else if (frame.header.kind === 'request' && welcomed) serve(frame.header);
        else if (frame.header.kind === 'left') events.onLeft();
      }
    });
    stream.on('end', () => {
      if (!stream.writableEnded) stream.end();
    });
    stream.on('error', (error) => finish(`the connection failed: ${session.describe(error)}`));
    stream.on('close', () => {
      if (refusal !== undefined) finish(`the control plane ${refusalDetail(refusal.status, refusal.text)}`);
      else
        finish(
          welcomed ? 'the control plane ended the channel' : 'the control plane closed the channel before accepting it',
        );
    });
  });
}
