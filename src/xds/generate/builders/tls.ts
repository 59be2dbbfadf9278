/**
 * TLS for mesh traffic, in the two ways the two data planes take it:
 *
 * - Envoy: certificates over SDS on the ADS stream. The proxy's identity and
 *   the mesh's trusted roots are Secret resources; listeners and clusters name
 *   them (`sds_config: {ads: {}}`), so a rotation resends two Secrets and no
 *   listener or cluster.
 * - proxyless gRPC: grpc-js-xds takes no SDS. Its bootstrap names a
 *   `file_watcher` certificate provider instance (the files `koguma dp run`
 *   keeps current); listeners and clusters name that instance.
 *
 * Peers are checked by URI SAN: servers accept any certificate of the mesh
 * (`spiffe://<mesh>/` prefix; which of them may call is RBAC's business) and
 * clients require the exact identity of the service they dial.
 */
import { create } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { TransportSocketSchema, type TransportSocket } from '../../envoy/gen/envoy/config/core/v3/base_pb.js';
import {
  ListenerFilterSchema,
  type ListenerFilter,
} from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { TlsInspectorSchema } from '../../envoy/gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js';
import {
  CertificateProviderPluginInstanceSchema,
  CertificateValidationContextSchema,
  SubjectAltNameMatcher_SanType,
  SubjectAltNameMatcherSchema,
  type CertificateValidationContext,
} from '../../envoy/gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js';
import {
  SdsSecretConfigSchema,
  SecretSchema,
  type SdsSecretConfig,
  type Secret,
} from '../../envoy/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import {
  CommonTlsContext_CombinedCertificateValidationContextSchema,
  CommonTlsContextSchema,
  DownstreamTlsContextSchema,
  UpstreamTlsContextSchema,
  type CommonTlsContext,
} from '../../envoy/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { StringMatcherSchema, type StringMatcher } from '../../envoy/gen/envoy/type/matcher/v3/string_pb.js';
import { adsConfigSource } from './address.js';

export const TLS_TRANSPORT_SOCKET_NAME = 'envoy.transport_sockets.tls';
export const TLS_INSPECTOR_NAME = 'envoy.filters.listener.tls_inspector';

export type SanMatch = { readonly exact: string } | { readonly prefix: string };

const stringMatcher = (match: SanMatch): StringMatcher =>
  create(
    StringMatcherSchema,
    'exact' in match
      ? { matchPattern: { case: 'exact', value: match.exact } }
      : { matchPattern: { case: 'prefix', value: match.prefix } },
  );

const sdsSecret = (name: string): SdsSecretConfig =>
  create(SdsSecretConfigSchema, { name, sdsConfig: adsConfigSource() });

const providerInstance = (instanceName: string) => create(CertificateProviderPluginInstanceSchema, { instanceName });

const inline = (pem: string) => ({ specifier: { case: 'inlineBytes' as const, value: new TextEncoder().encode(pem) } });

/** A proxy's certificate chain and key, delivered over SDS. */
export function buildIdentitySecret(name: string, certChainPem: string, keyPem: string): Secret {
  return create(SecretSchema, {
    name,
    type: { case: 'tlsCertificate', value: { certificateChain: inline(certChainPem), privateKey: inline(keyPem) } },
  });
}

/** The roots a proxy trusts, delivered over SDS. */
export function buildTrustSecret(name: string, rootsPem: string): Secret {
  return create(SecretSchema, { name, type: { case: 'validationContext', value: { trustedCa: inline(rootsPem) } } });
}

export interface SdsTlsInput {
  /** Secret names: the proxy's identity and the mesh's roots. */
  readonly identitySecret: string;
  readonly trustSecret: string;
  readonly peer: SanMatch;
}

function sdsCommonTlsContext(input: SdsTlsInput): CommonTlsContext {
  return create(CommonTlsContextSchema, {
    tlsCertificateSdsSecretConfigs: [sdsSecret(input.identitySecret)],
    validationContextType: {
      case: 'combinedValidationContext',
      value: create(CommonTlsContext_CombinedCertificateValidationContextSchema, {
        defaultValidationContext: create(CertificateValidationContextSchema, {
          matchTypedSubjectAltNames: [
            create(SubjectAltNameMatcherSchema, {
              sanType: SubjectAltNameMatcher_SanType.URI,
              matcher: stringMatcher(input.peer),
            }),
          ],
        }),
        validationContextSdsSecretConfig: sdsSecret(input.trustSecret),
      }),
    },
  });
}

const tlsSocket = (typedConfig: TransportSocket['configType']): TransportSocket =>
  create(TransportSocketSchema, { name: TLS_TRANSPORT_SOCKET_NAME, configType: typedConfig });

/** Envoy inbound: mTLS with a client certificate required. */
export function envoyDownstreamTls(input: SdsTlsInput): TransportSocket {
  const context = create(DownstreamTlsContextSchema, {
    commonTlsContext: sdsCommonTlsContext(input),
    requireClientCertificate: true,
  });
  return tlsSocket({ case: 'typedConfig', value: anyPack(DownstreamTlsContextSchema, context) });
}

/** Envoy outbound: mTLS to a peer that must present `input.peer`. */
export function envoyUpstreamTls(input: SdsTlsInput & { readonly sni: string }): TransportSocket {
  const context = create(UpstreamTlsContextSchema, { commonTlsContext: sdsCommonTlsContext(input), sni: input.sni });
  return tlsSocket({ case: 'typedConfig', value: anyPack(UpstreamTlsContextSchema, context) });
}

/** Lets one listener tell TLS from plaintext connections (PERMISSIVE mode). */
export function tlsInspectorFilter(): ListenerFilter {
  return create(ListenerFilterSchema, {
    name: TLS_INSPECTOR_NAME,
    configType: { case: 'typedConfig', value: anyPack(TlsInspectorSchema, create(TlsInspectorSchema)) },
  });
}

function providerValidation(instance: string, peer: SanMatch | undefined): CertificateValidationContext {
  return create(CertificateValidationContextSchema, {
    caCertificateProviderInstance: providerInstance(instance),
    // grpc-js-xds reads the older untyped field (cluster-resource-type.js: match_subject_alt_names).
    matchSubjectAltNames: peer ? [stringMatcher(peer)] : [],
  });
}

/** gRPC server: mTLS from the bootstrap's certificate provider, a client certificate required. */
export function grpcDownstreamTls(instance: string): TransportSocket {
  const context = create(DownstreamTlsContextSchema, {
    commonTlsContext: {
      tlsCertificateProviderInstance: providerInstance(instance),
      validationContextType: { case: 'validationContext', value: providerValidation(instance, undefined) },
    },
    requireClientCertificate: true,
  });
  return tlsSocket({ case: 'typedConfig', value: anyPack(DownstreamTlsContextSchema, context) });
}

/** gRPC client: mTLS from the bootstrap's certificate provider to a peer that must present `peer`. */
export function grpcUpstreamTls(instance: string, peer: SanMatch): TransportSocket {
  const context = create(UpstreamTlsContextSchema, {
    commonTlsContext: {
      tlsCertificateProviderInstance: providerInstance(instance),
      validationContextType: { case: 'validationContext', value: providerValidation(instance, peer) },
    },
  });
  return tlsSocket({ case: 'typedConfig', value: anyPack(UpstreamTlsContextSchema, context) });
}
