/**
 * `--cp-address`: where the control plane's DP server is. One value gives
 * both of its faces: the HTTP base for `POST /bootstrap` (Envoy mode) and the
 * `host:port` gRPC target a proxyless application's xDS client dials.
 *
 * A URL without a port means the DP server's port, 5678, not HTTP's 80 or
 * HTTPS's 443: the two faces must agree, and 5678 is the one port the DP
 * server has. The scheme says whether it speaks TLS: `https://` (the
 * default of `koguma cp run`), or `http://` for one run with `--xds-tls false`.
 */

export const DEFAULT_CP_ADDRESS = 'https://127.0.0.1:5678';
const DP_SERVER_PORT = 5678;

export interface CpAddress {
  /** `https://host:port` or `http://host:port`, no trailing slash. */
  readonly url: string;
  /** Whether the DP server is reached over TLS (`https://`). */
  readonly tls: boolean;
  /** Host name or IP; an IPv6 address keeps its brackets. */
  readonly host: string;
  readonly port: number;
  /** The gRPC target, `host:port`. */
  readonly serverUri: string;
}

export function parseCpAddress(raw: string): CpAddress {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`must be a URL like ${DEFAULT_CP_ADDRESS}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`must start with https:// (or http:// for a DP server without TLS), like ${DEFAULT_CP_ADDRESS}`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
    throw new Error('must have no path, query or fragment: the DP server serves /bootstrap and xDS at its root');
  if (url.username !== '' || url.password !== '') throw new Error('must not carry credentials');
  const port = url.port === '' ? DP_SERVER_PORT : Number(url.port);
  const serverUri = `${url.hostname}:${port}`;
  const tls = url.protocol === 'https:';
  return { url: `${tls ? 'https' : 'http'}://${serverUri}`, tls, host: url.hostname, port, serverUri };
}
