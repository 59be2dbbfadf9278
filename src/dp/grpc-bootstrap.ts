/**
 * The bootstrap of a proxyless gRPC application, built once for both
 * `koguma dp run --proxyless` (handed to the application in its environment)
 * and `koguma generate grpc-bootstrap` (printed), so the two cannot differ.
 *
 *   node.id        <mesh>.<name>
 *   node.metadata  koguma.io/proxy-flavour: grpc
 *                  dataplane.resource: <the Dataplane, JSON text>   (direct mode: registers it)
 *   xds_servers    the agent's loopback xDS relay (xds-relay.ts) when the DP server
 *                  speaks TLS or a token must be presented; else the DP server itself
 *
 * Registration happens when the application's xDS client connects: the
 * control plane reads the Dataplane from the node metadata, as Kuma's does.
 */
import {
  grpcBootstrap,
  grpcBootstrapJson,
  nodeIdOf,
  type CertificateFiles,
  type GrpcBootstrap,
} from '../xds/bootstrap/index.js';
import { DATAPLANE_RESOURCE_METADATA, PROXY_FLAVOUR_METADATA } from '../xds/index.js';
import type { CpAddress } from './cp-address.js';
import type { DataplaneIdentity, LoadedDataplane } from './dataplane-file.js';

export interface ProxylessBootstrapOptions {
  /** The validated dataplane file, or just mesh and name (indirect mode). */
  readonly dataplane: LoadedDataplane | DataplaneIdentity;
  readonly cpAddress: CpAddress;
  readonly zone?: string;
  /** Where the application's xDS client connects instead of the DP server: the agent's relay, `127.0.0.1:<port>`. */
  readonly xdsServerUri?: string;
  /** The workload certificate files the agent keeps current (mesh mTLS). */
  readonly certificateFiles?: CertificateFiles;
}

/** The variable grpc-js (and gRPC Go, Java, C++) read the bootstrap JSON from (gRFC A27). */
export const BOOTSTRAP_CONFIG_ENV = 'GRPC_XDS_BOOTSTRAP_CONFIG';
/** A bootstrap file path; it wins over the JSON in every gRPC language, so the agent removes it. */
export const BOOTSTRAP_FILE_ENV = 'GRPC_XDS_BOOTSTRAP';
/** xDS RBAC (gRFC A41), still behind this flag in grpc-js; MeshTrafficPermission compiles to it. */
export const RBAC_ENV = 'GRPC_XDS_EXPERIMENTAL_RBAC';

export function proxylessBootstrap(options: ProxylessBootstrapOptions): GrpcBootstrap {
  const { dataplane } = options;
  const loaded = 'json' in dataplane ? dataplane : undefined;
  return grpcBootstrap({
    nodeId: nodeIdOf(dataplane.mesh, dataplane.name),
    serverUri: options.xdsServerUri ?? options.cpAddress.serverUri,
    ...(loaded?.service === undefined ? {} : { cluster: loaded.service }),
    ...(options.zone === undefined ? {} : { locality: { zone: options.zone } }),
    metadata: {
      [PROXY_FLAVOUR_METADATA]: 'grpc',
      ...(loaded === undefined ? {} : { [DATAPLANE_RESOURCE_METADATA]: loaded.json }),
    },
    ...(options.certificateFiles === undefined ? {} : { certificateFiles: options.certificateFiles }),
  });
}

/** The bootstrap as text, the same bytes in the environment and on stdout. */
export const proxylessBootstrapJson = (options: ProxylessBootstrapOptions): string =>
  grpcBootstrapJson(proxylessBootstrap(options));

/** The environment of the application: the parent's, with the bootstrap in and any bootstrap file out. */
export function proxylessEnv(parent: Readonly<NodeJS.ProcessEnv>, bootstrapJson: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent, [BOOTSTRAP_CONFIG_ENV]: bootstrapJson, [RBAC_ENV]: 'true' };
  delete env[BOOTSTRAP_FILE_ENV];
  return env;
}
