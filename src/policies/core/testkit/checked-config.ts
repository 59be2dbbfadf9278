/**
 * A proxy's configuration with both judges applied: every resource passes
 * Envoy's PGV rules and, for the proxyless flavour, grpc-js-xds's decoders.
 */
import type { ProxyContext } from '../../../xds/generate/index.js';
import { assertPassesPgv } from './envoy-validation.js';
import { assertGrpcJsXdsAccepts } from './grpc-decoding.js';
import { generateProxyConfig, type ProxyConfig } from './proxy-build.js';

/** The proxy's configuration, after checking every resource passes PGV and, for gRPC, grpc-js-xds. */
export function checkedConfig(ctx: ProxyContext): ProxyConfig {
  const config = generateProxyConfig(ctx);
  assertPassesPgv(config);
  if (ctx.flavour === 'grpc') assertGrpcJsXdsAccepts(config);
  return config;
}
