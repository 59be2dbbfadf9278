/**
 * The admin tunnel: how the control plane reads a dataplane's Envoy admin
 * API (config dump, stats, clusters) through its agent, `koguma dp run`.
 * The agent is often where the control plane cannot dial (NAT, a laptop, a
 * pod network), so the agent opens the channel: one long HTTP/2 request on
 * the DP server, kept open for the agent's life. The control plane sends
 * requests down the response body; the agent answers up the request body.
 *
 *   agent                                             DP server
 *   POST /koguma.admin-tunnel/v1 (authorization: Bearer <dataplane token>)
 *   hello {nodeId, metadata} ─────────────────────►   identified as an ADS stream's first request is
 *                                     ◄───────────   :status 200 + welcome   (or 4xx, a /std-errors body, end)
 *                                     ◄───────────   request {id, path, query}
 *   answer {id, status, contentType} + body ──────►   (or failure {id, reason})
 *   status {phase, reason} ─────────────────────────►   Envoy is up, or went down and is restarted (shown in _overview)
 *   leaving ──────────────────────────────────────►   the proxy is stopping: its inbounds taken out of callers' endpoints
 *                                     ◄───────────   left (once that is stored)
 *
 * Frames: [u32 header length][u32 body length][header: JSON][body: bytes],
 * big endian. Bodies travel as bytes, so a multi-megabyte config dump costs
 * no escaping; both lengths are bounded, and a frame past a bound ends the
 * tunnel. Only three admin paths exist here, each with the query it may
 * carry; both ends check them, so neither can be made to reach anything else
 * of Envoy's admin API (which can also stop Envoy or change its logging).
 *
 * Used by the agent (src/dp/admin-tunnel.ts) and by the DP server
 * (admin-tunnel-endpoint.ts), so the two cannot drift.
 */

export const ADMIN_TUNNEL_PATH = '/koguma.admin-tunnel/v1';
export const ADMIN_TUNNEL_CONTENT_TYPE = 'application/x-koguma-admin-tunnel';

/** The largest answer body: Envoy's output with EDS for a big mesh fits; anything larger is refused. */
export const ADMIN_ANSWER_LIMIT_BYTES = 32 * 1024 * 1024;
/** The largest frame header (the hello carries the Dataplane document). */
export const ADMIN_HEADER_LIMIT_BYTES = 1024 * 1024;

/** The admin API paths the tunnel carries, and the query each may have. */
export const ADMIN_PATHS = {
  config_dump: { include_eds: [''] },
  stats: { format: ['json'] },
  clusters: { format: ['json'] },
} as const satisfies Record<string, Record<string, readonly string[]>>;

export type AdminPath = keyof typeof ADMIN_PATHS;

export interface AdminRequest {
  readonly path: AdminPath;
  /** Query parameters; only those ADMIN_PATHS allows for the path. */
  readonly query: Readonly<Record<string, string>>;
}

export type TunnelHeader =
  | {
      readonly kind: 'hello';
      readonly nodeId: string;
      readonly metadata: Readonly<Record<string, unknown>>;
      readonly agentVersion: string;
    }
  | { readonly kind: 'welcome' }
  | ({ readonly kind: 'request'; readonly id: number } & AdminRequest)
  | { readonly kind: 'answer'; readonly id: number; readonly status: number; readonly contentType: string }
  | { readonly kind: 'failure'; readonly id: number; readonly reason: string }
  | { readonly kind: 'status'; readonly phase: 'up' | 'restarting'; readonly reason: string }
  | { readonly kind: 'leaving' }
  | { readonly kind: 'left' };

export interface TunnelFrame {
  readonly header: TunnelHeader;
  readonly body: Buffer;
}

/** Why an admin request may not be carried, or undefined when it may. */
export function refusedAdminRequest(path: string, query: Readonly<Record<string, string>>): string | undefined {
  if (!Object.hasOwn(ADMIN_PATHS, path))
    return `admin path ${JSON.stringify(path)} is not one the tunnel carries (${Object.keys(ADMIN_PATHS).join(', ')})`;
  const allowed: Readonly<Record<string, readonly string[]>> = ADMIN_PATHS[path as AdminPath];
  for (const [key, value] of Object.entries(query)) {
    const values = allowed[key];
    if (values === undefined) return `query parameter ${JSON.stringify(key)} is not allowed on ${path}`;
    if (!values.includes(value)) return `query parameter ${key}=${JSON.stringify(value)} is not allowed on ${path}`;
  }
  return undefined;
}

/** `path?query` as Envoy's admin API takes it. */
export function adminUrlPath(request: AdminRequest): string {
  const query = Object.entries(request.query)
    .map(([key, value]) =>
      value === '' ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
    )
    .join('&');
  return `/${request.path}${query === '' ? '' : `?${query}`}`;
}

export function encodeFrame(header: TunnelHeader, body: Uint8Array = new Uint8Array(0)): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32BE(json.length, 0);
  prefix.writeUInt32BE(body.length, 4);
  return Buffer.concat([prefix, json, body]);
}

export class TunnelFrameError extends Error {
  override readonly name = 'TunnelFrameError';
}

const KINDS = new Set(['hello', 'welcome', 'request', 'answer', 'failure', 'status', 'leaving', 'left']);

/** A header as received: JSON with a known kind and the fields the kind needs, else a TunnelFrameError. */
function parseHeader(bytes: Buffer): TunnelHeader {
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new TunnelFrameError('a frame header is not JSON');
  }
  const kind = (header as { kind?: unknown } | null)?.kind;
  if (typeof header !== 'object' || header === null || typeof kind !== 'string' || !KINDS.has(kind))
    throw new TunnelFrameError('a frame header has no known kind');
  const fields = header as Record<string, unknown>;
  const needs = (name: string, type: 'string' | 'number' | 'object'): void => {
    if (typeof fields[name] !== type || fields[name] === null)
      throw new TunnelFrameError(`a "${kind}" frame has no ${name}`);
  };
  if (kind === 'hello') {
    needs('nodeId', 'string');
    needs('metadata', 'object');
    needs('agentVersion', 'string');
  }
  if (kind === 'request') {
    needs('id', 'number');
    needs('path', 'string');
    needs('query', 'object');
  }
  if (kind === 'answer') {
    needs('id', 'number');
    needs('status', 'number');
    needs('contentType', 'string');
  }
  if (kind === 'failure') {
    needs('id', 'number');
    needs('reason', 'string');
  }
  if (kind === 'status') {
    needs('reason', 'string');
    if (fields['phase'] !== 'up' && fields['phase'] !== 'restarting')
      throw new TunnelFrameError('a "status" frame has no phase');
  }
  return header as TunnelHeader;
}

/**
 * Cuts a byte stream into frames. `push` returns the frames completed by a
 * chunk; it throws a TunnelFrameError for a frame past the limits or with a
 * malformed header, after which the stream cannot be trusted.
 */
export class TunnelFrameReader {
  private buffered: Buffer[] = [];
  private size = 0;
  /** The length of the frame being read, once its prefix is in. */
  private frameLength: { readonly header: number; readonly body: number } | undefined;

  constructor(
    private readonly limits: { readonly headerBytes: number; readonly bodyBytes: number } = {
      headerBytes: ADMIN_HEADER_LIMIT_BYTES,
      bodyBytes: ADMIN_ANSWER_LIMIT_BYTES,
    },
  ) {}

  push(chunk: Uint8Array): TunnelFrame[] {
    this.buffered.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.size += chunk.byteLength;
    const frames: TunnelFrame[] = [];
    for (;;) {
      if (this.frameLength === undefined) {
        if (this.size < 8) return frames;
        const prefix = this.joined();
        const header = prefix.readUInt32BE(0);
        const body = prefix.readUInt32BE(4);
        if (header > this.limits.headerBytes)
          throw new TunnelFrameError(
            `a frame header of ${header} bytes is over the limit of ${this.limits.headerBytes}`,
          );
        if (body > this.limits.bodyBytes)
          throw new TunnelFrameError(`a frame body of ${body} bytes is over the limit of ${this.limits.bodyBytes}`);
        this.frameLength = { header, body };
      }
      const total = 8 + this.frameLength.header + this.frameLength.body;
      // Chunks are joined once per frame, when it is complete: a large body costs one copy, not one per chunk.
      if (this.size < total) return frames;
      const all = this.joined();
      const headerEnd = 8 + this.frameLength.header;
      frames.push({
        header: parseHeader(all.subarray(8, headerEnd)),
        body: Buffer.from(all.subarray(headerEnd, total)),
      });
      const rest = all.subarray(total);
      this.buffered = rest.length > 0 ? [rest] : [];
      this.size = rest.length;
      this.frameLength = undefined;
    }
  }

  /** The buffered bytes as one buffer (kept so, to join them once). */
  private joined(): Buffer {
    if (this.buffered.length !== 1) this.buffered = [Buffer.concat(this.buffered, this.size)];
    return this.buffered[0]!;
  }
}
