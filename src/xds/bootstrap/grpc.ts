/**
 * The gRPC xDS bootstrap: the JSON a proxyless gRPC application reads from
 * GRPC_XDS_BOOTSTRAP (or GRPC_XDS_BOOTSTRAP_CONFIG), in the shape grpc-js-xds
 * `xds-bootstrap.js` (`validateBootstrapConfig`) accepts (gRFC A27, A36):
 * - `xds_servers[].channel_creds` has an entry of a supported type
 *   (`google_default` or `insecure`; the DP relay is plaintext on loopback);
 * - `node.id` is a string and `node.locality` is present (an object, even
 *   empty: "locality field missing in node element" otherwise);
 * - `server_listener_resource_name_template` names the Listener an xDS
 *   server asks for, `%s` replaced with the address it binds;
 * - with mesh mTLS, `certificate_providers` defines the `file_watcher`
 *   instance that generated TLS contexts name: the certificate, key and
 *   roots `koguma dp run` writes and replaces on renewal, re-read every
 *   `refresh_interval`.
 */
import { GRPC_CERTIFICATE_PROVIDER, GRPC_SERVER_LISTENER_TEMPLATE } from '../generate/index.js';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface GrpcBootstrapOptions {
  /** `<mesh>.<dataplane name>` (`nodeIdOf`). */
  readonly nodeId: string;
  /** The xDS server as a gRPC target, e.g. `127.0.0.1:5678`. */
  readonly serverUri: string;
  /** `node.cluster`: the application's service. */
  readonly cluster?: string;
  readonly locality?: { readonly region?: string; readonly zone?: string; readonly subZone?: string };
  readonly metadata?: Readonly<Record<string, JsonValue>>;
  /** Where the workload certificate files are, when the mesh may use mTLS. */
  readonly certificateFiles?: CertificateFiles;
}

export interface CertificateFiles {
  readonly certificateFile: string;
  readonly privateKeyFile: string;
  readonly caCertificateFile: string;
  /** How often grpc-js re-reads them, as a proto3 JSON duration (e.g. "1s"). */
  readonly refreshInterval: string;
}

export interface GrpcBootstrap {
  readonly xds_servers: readonly {
    readonly server_uri: string;
    readonly channel_creds: readonly { readonly type: 'insecure' }[];
    readonly server_features: readonly string[];
  }[];
  readonly node: {
    readonly id: string;
    readonly cluster?: string;
    readonly locality: { readonly region?: string; readonly zone?: string; readonly sub_zone?: string };
    readonly metadata?: Readonly<Record<string, JsonValue>>;
  };
  readonly server_listener_resource_name_template: string;
  readonly certificate_providers?: Readonly<
    Record<string, { readonly plugin_name: 'file_watcher'; readonly config: Readonly<Record<string, string>> }>
  >;
}

export function grpcBootstrap(options: GrpcBootstrapOptions): GrpcBootstrap {
  const { region, zone, subZone } = options.locality ?? {};
  return {
    xds_servers: [
      { server_uri: options.serverUri, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] },
    ],
    node: {
      id: options.nodeId,
      ...(options.cluster === undefined ? {} : { cluster: options.cluster }),
      locality: {
        ...(region === undefined ? {} : { region }),
        ...(zone === undefined ? {} : { zone }),
        ...(subZone === undefined ? {} : { sub_zone: subZone }),
      },
      ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    },
    server_listener_resource_name_template: GRPC_SERVER_LISTENER_TEMPLATE,
    ...(options.certificateFiles === undefined
      ? {}
      : { certificate_providers: certificateProviders(options.certificateFiles) }),
  };
}

function certificateProviders(files: CertificateFiles): NonNullable<GrpcBootstrap['certificate_providers']> {
  return {
    [GRPC_CERTIFICATE_PROVIDER]: {
      plugin_name: 'file_watcher',
      config: {
        certificate_file: files.certificateFile,
        private_key_file: files.privateKeyFile,
        ca_certificate_file: files.caCertificateFile,
        refresh_interval: files.refreshInterval,
      },
    },
  };
}

/** The bootstrap as the file's text. */
export const grpcBootstrapJson = (bootstrap: GrpcBootstrap): string => `${JSON.stringify(bootstrap, null, 2)}\n`;
