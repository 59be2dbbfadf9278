/**
 * Bootstrap documents: what a data plane needs before its first xDS request.
 * Envoy gets a v3 Bootstrap (YAML); a proxyless gRPC application gets the
 * gRPC xDS bootstrap JSON. Both are pure functions of their options.
 */
export {
  ADS_CLUSTER_NAME,
  bootstrapTypesRegistry,
  envoyBootstrap,
  envoyBootstrapYaml,
  type EnvoyBootstrapOptions,
} from './envoy.js';
export {
  grpcBootstrap,
  grpcBootstrapJson,
  type CertificateFiles,
  type GrpcBootstrap,
  type GrpcBootstrapOptions,
} from './grpc.js';
export { nodeIdOf } from '../generate/index.js';
export { createBootstrapHandler, DEFAULT_ENVOY_ADMIN_PORT, type BootstrapHandlerOptions } from './request-handler.js';
