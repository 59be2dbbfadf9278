/**
 * What a proxy says about itself in its xDS `node.metadata`, the same for
 * Envoy (bootstrap `node.metadata`) and proxyless gRPC (bootstrap JSON
 * `node.metadata`):
 * - `dataplane.resource`: the Dataplane document (JSON text), for direct-mode
 *   registration: the control plane creates or updates it when the proxy
 *   connects and removes it a while after the proxy's last stream ends.
 *   Kuma's data plane sends the same key.
 * - `koguma.io/proxy-flavour`: `envoy` (the default when absent) or `grpc`,
 *   which picks the generator flavour. The Dataplane document stays as Kuma
 *   defines it; how a proxy is configured is a property of the proxy.
 * - `koguma.io/stream-role: certificates`: the stream of `koguma dp run
 *   --proxyless` that only fetches the proxy's certificates for the
 *   application. It keeps the registration alive like any stream, but the
 *   proxy's xDS status is the application's own stream's.
 */
import { readJson, invalidInput, INPUT_LIMITS, shapeParameter } from '../api/index.js';

export const DATAPLANE_RESOURCE_METADATA = 'dataplane.resource';
export const PROXY_FLAVOUR_METADATA = 'koguma.io/proxy-flavour';

export const STREAM_ROLE_METADATA = 'koguma.io/stream-role';
export const CERTIFICATES_STREAM_ROLE = 'certificates';

/** Whether a node's stream is the agent's certificate stream rather than the proxy's own configuration stream. */
export const isCertificatesStream = (metadata: Readonly<Record<string, unknown>> | undefined): boolean =>
  metadata?.[STREAM_ROLE_METADATA] === CERTIFICATES_STREAM_ROLE;

/** Which data plane the proxy is: an Envoy sidecar or a gRPC application speaking xDS itself. */
export type ProxyFlavour = 'envoy' | 'grpc';

export const proxyFlavours: readonly ProxyFlavour[] = ['envoy', 'grpc'];

/** The flavour a node declares; envoy when it says nothing; undefined when it says something unknown. */
export function flavourOf(metadata: Readonly<Record<string, unknown>> | undefined): ProxyFlavour | undefined {
  const value = metadata?.[PROXY_FLAVOUR_METADATA];
  if (value === undefined) return 'envoy';
  return (proxyFlavours as readonly unknown[]).includes(value) ? (value as ProxyFlavour) : undefined;
}

/**
 * The Dataplane document a node carries (direct mode), parsed within the input
 * limits (api/input-limits.ts: size, depth, NUL); undefined in indirect mode.
 * Throws InvalidInput naming the metadata field.
 */
export function carriedDataplane(metadata: Readonly<Record<string, unknown>>): unknown {
  const raw = metadata[DATAPLANE_RESOURCE_METADATA];
  if (raw === undefined || raw === '') return undefined;
  const field = `node.metadata["${DATAPLANE_RESOURCE_METADATA}"]`;
  if (typeof raw !== 'string') {
    const issue = shapeParameter(raw, field);
    if (issue !== undefined) throw invalidInput([issue]);
    return raw;
  }
  const read = readJson(raw, field, { maxBytes: INPUT_LIMITS.maxCarriedDataplaneBytes });
  if (!read.ok) throw invalidInput([read.issue]);
  return read.value;
}
