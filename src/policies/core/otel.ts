/**
 * OpenTelemetry collector targets, shared by the policies that export to one
 * (MeshAccessLog, MeshTrace): an inline `endpoint`, or a `backendRef` to a
 * MeshOpenTelemetryBackend holding the address, never both.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  type InvalidParameter,
  primitivesLabels as Labels,
  ReferenceName,
  Strict,
  StringEnum,
} from '../../api/index.js';
import { HOST_PORT } from './address.js';

/** A MeshOpenTelemetryBackend holding the collector address (Kuma 2.14; replaces `endpoint`). */
export const OtelBackendRef = Strict({
  kind: StringEnum(['MeshOpenTelemetryBackend']),
  name: Type.Optional(ReferenceName()),
  labels: Type.Optional(Labels()),
});
export type OtelBackendRef = Static<typeof OtelBackendRef>;

/** The `endpoint` and `backendRef` fields of an OpenTelemetry backend; each policy words the endpoint its own way. */
export const otelTargetProperties = (endpointDescription: string) => ({
  endpoint: Type.Optional(Type.String({ minLength: 1, description: endpointDescription })),
  backendRef: Type.Optional(OtelBackendRef),
});

/** An OpenTelemetry collector: a gRPC host:port, or an http(s) URL. */
export function checkOtelEndpoint(endpoint: string, at: string): InvalidParameter[] {
  if (endpoint.includes('://')) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return [{ field: at, reason: 'must be a valid URL or host:port' }];
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return [{ field: at, reason: 'URL scheme must be http or https' }];
    return url.hostname === '' ? [{ field: at, reason: 'must name a host' }] : [];
  }
  const match = HOST_PORT.exec(endpoint);
  if (!match) return [{ field: at, reason: 'must be host:port or an http(s) URL' }];
  const port = match[4];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    return [{ field: at, reason: 'port must be between 1 and 65535' }];
  return [];
}

/** Exactly one way to reach the collector: inline endpoint or a backendRef. */
export function checkOtelTarget(
  otel: { endpoint?: string; backendRef?: OtelBackendRef },
  at: string,
): InvalidParameter[] {
  if (otel.endpoint !== undefined && otel.backendRef !== undefined)
    return [{ field: `${at}.backendRef`, reason: 'must not be set together with endpoint' }];
  if (otel.endpoint === undefined && otel.backendRef === undefined)
    return [{ field: `${at}.endpoint`, reason: 'is required unless backendRef is set' }];
  return otel.endpoint !== undefined ? checkOtelEndpoint(otel.endpoint, `${at}.endpoint`) : [];
}
