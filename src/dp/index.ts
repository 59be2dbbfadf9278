/**
 * Public surface of the data plane agent. It stays light: every CLI command
 * imports it, and only `koguma dp run` and `koguma generate grpc-bootstrap`
 * need the resource model and the bootstrap builders, so those load on the
 * first call (as src/cp/index.ts does for the control plane).
 */
import type { EnvoyRunOptions } from './run-envoy.js';
import type { ProxylessInput, ProxylessRunOptions } from './run-proxyless.js';

/** Envoy mode; resolves with the status to exit with. */
export async function runEnvoy(options: EnvoyRunOptions): Promise<number> {
  return (await import('./run-envoy.js')).runEnvoy(options);
}

/** Proxyless mode; resolves with the application's status. */
export async function runProxyless(options: ProxylessRunOptions): Promise<number> {
  return (await import('./run-proxyless.js')).runProxyless(options);
}

/** The gRPC bootstrap JSON `runProxyless` hands to the application. */
export async function generateGrpcBootstrap(input: ProxylessInput): Promise<string> {
  return (await import('./run-proxyless.js')).generateGrpcBootstrap(input);
}

export type { EnvoyRunOptions, XdsTransport } from './run-envoy.js';
export type { ProxylessInput, ProxylessRunOptions } from './run-proxyless.js';
export { DEFAULT_CP_ADDRESS, parseCpAddress, type CpAddress } from './cp-address.js';
export { readCpTrust } from './cp-trust.js';
export { DpError } from './errors.js';
export { readDataplaneToken, type DataplaneTokenSource } from './dataplane-token.js';
export { parsePort } from './port.js';

/**
 * The parser of duration flags (`30s`, `5m`), on demand: it comes with the
 * resource model's primitives, which only a running command should load.
 */
export async function durationParser(): Promise<(raw: string) => number> {
  return (await import('./flag-values.js')).parseDuration;
}
export { dpLog, lineLog, type DpLog, type DpLogFormat } from './log.js';
export { parseTemplateVars, type TemplateVars } from './template.js';
