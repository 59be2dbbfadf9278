/**
 * TLS from Envoy to the control plane's DP server: the transport socket of
 * the bootstrap's ADS cluster.
 *
 *   transport_socket: envoy.transport_sockets.tls ─► UpstreamTlsContext
 *     sni                                 the CP's host name (never an IP: RFC 6066 §3)
 *     common_tls_context.alpn_protocols   [h2]: the DP server picks HTTP/2 by ALPN and
 *                                         would take a connection without it for HTTP/1.1
 *     tls_params                          TLS 1.2 to 1.3 (Envoy's client stops at 1.2 unless told)
 *     validation_context.trusted_ca       the CA `koguma dp run --ca-cert-file` gave, inline
 *     match_typed_subject_alt_names       the host (DNS SAN) or address (IP SAN) dialled:
 *                                         Envoy checks names only when told to
 */
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { isIP } from 'node:net';
import { TransportSocketSchema, type TransportSocket } from '../envoy/gen/envoy/config/core/v3/base_pb.js';
import {
  SubjectAltNameMatcher_SanType,
  TlsParameters_TlsProtocol,
} from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js';
import { UpstreamTlsContextSchema } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';

export const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';

export interface AdsTls {
  /** PEM of the CA(s) that sign the DP server's certificate. */
  readonly caPem: string;
  /** The host name or IP address Envoy dials; its certificate must name it. */
  readonly serverName: string;
}

export function adsTransportSocket(tls: AdsTls): TransportSocket {
  const ip = isIP(tls.serverName) !== 0;
  const context = create(UpstreamTlsContextSchema, {
    ...(ip ? {} : { sni: tls.serverName }),
    commonTlsContext: {
      tlsParams: {
        tlsMinimumProtocolVersion: TlsParameters_TlsProtocol.TLSv1_2,
        tlsMaximumProtocolVersion: TlsParameters_TlsProtocol.TLSv1_3,
      },
      alpnProtocols: ['h2'],
      validationContextType: {
        case: 'validationContext',
        value: {
          trustedCa: { specifier: { case: 'inlineBytes', value: new TextEncoder().encode(tls.caPem) } },
          matchTypedSubjectAltNames: [
            {
              sanType: ip ? SubjectAltNameMatcher_SanType.IP_ADDRESS : SubjectAltNameMatcher_SanType.DNS,
              matcher: { matchPattern: { case: 'exact', value: tls.serverName } },
            },
          ],
        },
      },
    },
  });
  return create(TransportSocketSchema, {
    name: TLS_TRANSPORT_SOCKET,
    configType: { case: 'typedConfig', value: anyPack(UpstreamTlsContextSchema, context) },
  });
}
