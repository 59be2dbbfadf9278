/**
 * MeshTrace: request tracing on the selected proxies: one backend (Zipkin,
 * Datadog or OpenTelemetry), sampling percentages and custom span tags taken
 * from literals or request headers. `backends` is a list of at most one
 * element for historical reasons; an empty list turns tracing off.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, AnyCaseHeaderName, Percentage, Strict, StringEnum } from '../../api/index.js';
import {
  definePolicy,
  checkOtelTarget,
  otelTargetProperties,
  TargetRef,
  TOP_LEVEL_PROXY_KINDS,
} from '../core/index.js';

const Backend = Strict({
  type: StringEnum(['Zipkin', 'Datadog', 'OpenTelemetry']),
  zipkin: Type.Optional(
    Strict({
      url: Type.String({ minLength: 1, description: 'Collector URL, e.g. http://jaeger-collector:9411/api/v2/spans.' }),
      traceId128bit: Type.Optional(Type.Boolean({ description: 'Generate 128-bit trace ids (default false).' })),
      apiVersion: Type.Optional(
        StringEnum(['httpJson', 'httpProto'], { description: 'Zipkin API encoding (default httpJson).' }),
      ),
      sharedSpanContext: Type.Optional(
        Type.Boolean({ description: 'Client and server spans share one context (default true).' }),
      ),
    }),
  ),
  datadog: Type.Optional(
    Strict({
      url: Type.String({ minLength: 1, description: 'Agent address: http://host:port, no path.' }),
      splitService: Type.Optional(
        Type.Boolean({ description: 'Name services per direction and destination (default false).' }),
      ),
    }),
  ),
  openTelemetry: Type.Optional(Strict(otelTargetProperties('Collector address, host:port or an http(s) URL.'))),
});
type Backend = Static<typeof Backend>;

const Sample = (what: string) => Type.Optional(Percentage({ description: `${what} (default 100).` }));

export const MeshTraceConf = Strict({
  backends: Type.Array(Backend, { description: 'At most one backend; an empty list disables tracing.' }),
  sampling: Type.Optional(
    Strict({
      overall: Sample('Upper bound on the share of traced requests, after all other sampling'),
      client: Sample('Share of requests with x-client-trace-id that are force traced'),
      random: Sample('Share of other requests traced at random'),
    }),
  ),
  tags: Type.Optional(
    Type.Array(
      Strict({
        name: Type.String({ minLength: 1 }),
        literal: Type.Optional(Type.String()),
        header: Type.Optional(
          Strict({
            name: AnyCaseHeaderName(),
            default: Type.Optional(Type.String({ description: 'Used when the header is missing (default: no tag).' })),
          }),
        ),
      }),
    ),
  ),
});
export type MeshTraceConf = Static<typeof MeshTraceConf>;

export const MeshTraceSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_PROXY_KINDS)),
  default: MeshTraceConf,
});
export type MeshTraceSpec = Static<typeof MeshTraceSpec>;

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Datadog's agent takes only http://host:port. */
function checkDatadogUrl(value: string, at: string): InvalidParameter[] {
  const url = parseUrl(value);
  if (!url || url.hostname === '') return [{ field: at, reason: 'must be a valid URL like http://datadog-agent:8126' }];
  const issues: InvalidParameter[] = [];
  if (url.protocol !== 'http:') issues.push({ field: at, reason: 'scheme must be http' });
  // URL drops a scheme's default port (http://agent:80), so look at the text too.
  if (url.port === '' && !/^[a-z]+:\/\/[^/?#]*:\d+([/?#]|$)/i.test(value))
    issues.push({ field: at, reason: 'must have a port' });
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '' || url.username !== '')
    issues.push({ field: at, reason: 'must not have a path, query, fragment or user' });
  return issues;
}

function checkBackend(backend: Backend, at: string): InvalidParameter[] {
  switch (backend.type) {
    case 'Zipkin': {
      if (!backend.zipkin) return [{ field: `${at}.zipkin`, reason: 'is required when type is Zipkin' }];
      const url = parseUrl(backend.zipkin.url);
      const valid = url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      return valid ? [] : [{ field: `${at}.zipkin.url`, reason: 'must be a valid http(s) URL' }];
    }
    case 'Datadog':
      if (!backend.datadog) return [{ field: `${at}.datadog`, reason: 'is required when type is Datadog' }];
      return checkDatadogUrl(backend.datadog.url, `${at}.datadog.url`);
    case 'OpenTelemetry':
      if (!backend.openTelemetry)
        return [{ field: `${at}.openTelemetry`, reason: 'is required when type is OpenTelemetry' }];
      return checkOtelTarget(backend.openTelemetry, `${at}.openTelemetry`);
  }
}

function checkMeshTrace(spec: MeshTraceSpec): InvalidParameter[] {
  const conf = spec.default;
  const issues: InvalidParameter[] = [];
  if (conf.backends.length > 1) issues.push({ field: 'default.backends', reason: 'must have zero or one backend' });
  const first = conf.backends[0];
  if (first) issues.push(...checkBackend(first, 'default.backends[0]'));
  conf.tags?.forEach((tag, i) => {
    if ((tag.literal === undefined) === (tag.header === undefined))
      issues.push({ field: `default.tags[${i}]`, reason: 'must have exactly one of literal or header' });
  });
  return issues;
}

export const MeshTraceKind = definePolicy({
  name: 'MeshTrace',
  shortName: 'mtr',
  hasStatus: true,
  order: 700,
  acts: 'none',
  spec: MeshTraceSpec,
  check: checkMeshTrace,
});
