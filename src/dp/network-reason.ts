/**
 * Why a connection to the control plane failed, in the socket's words, plus
 * what usually causes it when the cause is a TLS mistake (the wrong CA, a
 * certificate for another name, the wrong scheme either way). Shared by the
 * bootstrap request and the proxyless xDS relay, so both say the same.
 */

/** Verification failures: the CA or the name is wrong, not the network. */
const CERTIFICATE_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function networkReason(error: NodeJS.ErrnoException, secure: boolean): string {
  const code = error.code ?? '';
  const said = error.message || code;
  if (CERTIFICATE_ERRORS.has(code))
    return `${said} (does --ca-cert-file hold the CA of this control plane, and does its certificate name this host?)`;
  if (secure && /wrong version number|packet length too long|disconnected before secure TLS connection/.test(said))
    return `${said} (if the DP server runs without TLS, --xds-tls false, use http://)`;
  if (!secure && (code === 'ECONNRESET' || code === 'HPE_INVALID_CONSTANT' || code === 'ERR_HTTP2_ERROR'))
    return `${said} (if the DP server speaks TLS, use https:// and --ca-cert-file)`;
  return said;
}
