/**
 * TLS versions and cipher suites of a TLS transport socket
 * (`common_tls_context.tls_params`), set in place on a copy the caller owns.
 * The TLS context is packed in the socket's `Any`, so it is unpacked, edited
 * and packed again.
 */
import { create } from '@bufbuild/protobuf';
import { anyIs, anyPack, anyUnpack } from '@bufbuild/protobuf/wkt';
import type { TransportSocket } from '../../envoy/gen/envoy/config/core/v3/base_pb.js';
import {
  TlsParameters_TlsProtocol,
  TlsParametersSchema,
  type TlsParameters,
} from '../../envoy/gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js';
import {
  CommonTlsContextSchema,
  DownstreamTlsContextSchema,
  UpstreamTlsContextSchema,
  type CommonTlsContext,
} from '../../envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';

export { TlsParameters_TlsProtocol as TlsProtocol };

export interface TlsParamsInput {
  readonly min?: TlsParameters_TlsProtocol;
  readonly max?: TlsParameters_TlsProtocol;
  /** OpenSSL cipher names, as Envoy takes them; empty keeps Envoy's defaults. */
  readonly ciphers?: readonly string[];
}

export function buildTlsParameters(input: TlsParamsInput): TlsParameters {
  return create(TlsParametersSchema, {
    tlsMinimumProtocolVersion: input.min ?? TlsParameters_TlsProtocol.TLS_AUTO,
    tlsMaximumProtocolVersion: input.max ?? TlsParameters_TlsProtocol.TLS_AUTO,
    cipherSuites: [...(input.ciphers ?? [])],
  });
}

/** Sets `tls_params` on a freshly unpacked context (its own object, safe to change). */
function withParams(context: { commonTlsContext?: CommonTlsContext | undefined }, params: TlsParameters): void {
  if (context.commonTlsContext) context.commonTlsContext.tlsParams = params;
  else context.commonTlsContext = create(CommonTlsContextSchema, { tlsParams: params });
}

/**
 * Sets the TLS parameters of a TLS transport socket, downstream or upstream.
 * Returns false, changing nothing, when the socket holds neither context.
 */
export function setTlsParameters(socket: TransportSocket, params: TlsParameters): boolean {
  const packed = socket.configType.case === 'typedConfig' ? socket.configType.value : undefined;
  if (packed && anyIs(packed, DownstreamTlsContextSchema)) {
    const context = anyUnpack(packed, DownstreamTlsContextSchema) ?? create(DownstreamTlsContextSchema);
    withParams(context, params);
    socket.configType = { case: 'typedConfig', value: anyPack(DownstreamTlsContextSchema, context) };
    return true;
  }
  if (packed && anyIs(packed, UpstreamTlsContextSchema)) {
    const context = anyUnpack(packed, UpstreamTlsContextSchema) ?? create(UpstreamTlsContextSchema);
    withParams(context, params);
    socket.configType = { case: 'typedConfig', value: anyPack(UpstreamTlsContextSchema, context) };
    return true;
  }
  return false;
}
