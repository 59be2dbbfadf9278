/**
 * What a MeshAccessLog format becomes in Envoy: Kuma's placeholders replaced
 * by this proxy's values when the configuration is generated, Envoy's own
 * command operators left for Envoy, and Kuma's built-in formats when the
 * backend names none.
 *
 *   { type: Plain, plain: "%KUMA_SOURCE_SERVICE% %RESPONSE_CODE%" } ─► text "web %RESPONSE_CODE%\n"
 *   { type: Json, json: [{ key: dest, value: "%KUMA_DESTINATION_SERVICE%" }] } ─► json { dest: "backend" }
 *   (none) ─► the default for the filter it lands on: HTTP for a connection manager, TCP for a TCP proxy
 */
import type { LogFormat } from '../../xds/generate/index.js';
import type { MeshAccessLogFormat } from './schema.js';

/** Kuma's default line for an HTTP request. */
export const DEFAULT_HTTP_FORMAT =
  '[%START_TIME%] %KUMA_MESH% "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% ' +
  '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-B3-TRACEID?X-DATADOG-TRACEID)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" ' +
  '"%KUMA_SOURCE_SERVICE%" "%KUMA_DESTINATION_SERVICE%" "%KUMA_SOURCE_ADDRESS_WITHOUT_PORT%" "%UPSTREAM_HOST%"';

/** Kuma's default line for a TCP connection. */
export const DEFAULT_TCP_FORMAT =
  '[%START_TIME%] %RESPONSE_FLAGS% %KUMA_MESH% %KUMA_SOURCE_ADDRESS_WITHOUT_PORT%(%KUMA_SOURCE_SERVICE%)->%UPSTREAM_HOST%(%KUMA_DESTINATION_SERVICE%) ' +
  'took %DURATION%ms, sent %BYTES_SENT% bytes, received: %BYTES_RECEIVED% bytes';

export type TrafficDirection = 'INBOUND' | 'OUTBOUND';

/** What Kuma's placeholders stand for on one listener of one proxy. */
export interface KumaValues {
  readonly mesh: string;
  readonly sourceService: string;
  readonly destinationService: string;
  /** The proxy's own address: Kuma reports it as the source in both directions. */
  readonly sourceAddress: string;
  readonly direction: TrafficDirection;
}

/** Where a filter takes its default line from. */
export type FilterKind = 'http' | 'tcp';

/** `host:port`, bracketing an IPv6 host. */
const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

function placeholderValue(name: string, values: KumaValues): string | undefined {
  switch (name) {
    case 'KUMA_MESH':
      return values.mesh;
    case 'KUMA_SOURCE_SERVICE':
      return values.sourceService;
    case 'KUMA_DESTINATION_SERVICE':
      return values.destinationService;
    // Kuma writes port 0: the source port of a connection is Envoy's to know (%DOWNSTREAM_REMOTE_ADDRESS%).
    case 'KUMA_SOURCE_ADDRESS':
      return hostPort(values.sourceAddress, 0);
    case 'KUMA_SOURCE_ADDRESS_WITHOUT_PORT':
      return values.sourceAddress;
    case 'KUMA_TRAFFIC_DIRECTION':
      return values.direction;
    default:
      return undefined;
  }
}

const KUMA_PLACEHOLDER = /%(KUMA_[A-Z_]+)%/g;

/**
 * `template` with Kuma's placeholders replaced, in one pass (a service name
 * is never read as a placeholder). A %KUMA_...% with no value here becomes
 * "-", Envoy's mark for a missing value: Envoy would refuse the whole
 * listener for an operator it does not know (`unknownPlaceholders` lets the
 * plugin say so).
 */
export const substitutePlaceholders = (template: string, values: KumaValues): string =>
  template.replace(KUMA_PLACEHOLDER, (_whole, name: string) => placeholderValue(name, values) ?? '-');

const NO_VALUES: KumaValues = {
  mesh: '',
  sourceService: '',
  destinationService: '',
  sourceAddress: '',
  direction: 'INBOUND',
};

/** The %KUMA_...% placeholders of `format` with no value here (Kuma's newer %KUMA_ZONE%...), in order of appearance. */
export function unknownPlaceholders(format: MeshAccessLogFormat | undefined): string[] {
  const templates =
    format === undefined
      ? []
      : format.type === 'Plain'
        ? [format.plain ?? '']
        : (format.json ?? []).map((field) => field.value);
  const found = templates.flatMap((template) =>
    [...template.matchAll(KUMA_PLACEHOLDER)]
      .filter((m) => placeholderValue(m[1]!, NO_VALUES) === undefined)
      .map((m) => m[0]),
  );
  return [...new Set(found)];
}

/**
 * The Envoy format of a backend's `format` on a filter of `filter` kind.
 * A text line ends with a line break, which Envoy does not add itself.
 */
export function envoyLogFormat(
  format: MeshAccessLogFormat | undefined,
  filter: FilterKind,
  values: KumaValues,
): LogFormat {
  const omitEmptyValues = format?.omitEmptyValues ?? false;
  if (format?.type === 'Json') {
    const fields = (format.json ?? []).map(({ key, value }) => [key, substitutePlaceholders(value, values)] as const);
    return { kind: 'json', fields, omitEmptyValues };
  }
  const template = format?.plain ?? (filter === 'http' ? DEFAULT_HTTP_FORMAT : DEFAULT_TCP_FORMAT);
  return { kind: 'text', template: `${substitutePlaceholders(template, values)}\n`, omitEmptyValues };
}
