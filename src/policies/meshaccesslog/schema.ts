/**
 * MeshAccessLog: access logs for outbound (`to`) and inbound (`from`, or the
 * newer `rules`) traffic of the selected proxies, written to a file, sent to a
 * TCP collector, or exported over OpenTelemetry. A format is a plain template
 * or a list of JSON fields using Envoy command operators (%START_TIME%, ...)
 * and Kuma's (%KUMA_MESH%, ...). An empty `backends` list turns logging off.
 */
import { Type, type Static } from '@sinclair/typebox';
import { type InvalidParameter, Strict, StringEnum } from '../../api/index.js';
import {
  HOST_PATTERN,
  definePolicy,
  checkOtelTarget,
  otelTargetProperties,
  FROM_KINDS,
  TargetRef,
  TO_OR_ROUTE_KINDS,
  TOP_LEVEL_KINDS,
} from '../core/index.js';

const KeyValue = Strict({ key: Type.String(), value: Type.String() });
const Format = Strict(
  {
    type: StringEnum(['Plain', 'Json']),
    plain: Type.Optional(Type.String({ description: 'Template of one log line.' })),
    json: Type.Optional(Type.Array(KeyValue)),
    omitEmptyValues: Type.Optional(
      Type.Boolean({ default: false, description: 'Leave out fields whose value is empty.' }),
    ),
  },
  { description: "Log line format (default: Kuma's built-in plain format)." },
);
type Format = Static<typeof Format>;
export type MeshAccessLogFormat = Format;

const Backend = Strict({
  type: StringEnum(['Tcp', 'File', 'OpenTelemetry']),
  tcp: Type.Optional(Strict({ format: Type.Optional(Format), address: Type.String({ minLength: 1 }) })),
  file: Type.Optional(Strict({ format: Type.Optional(Format), path: Type.String({ minLength: 1 }) })),
  openTelemetry: Type.Optional(
    Strict({
      attributes: Type.Optional(Type.Array(KeyValue)),
      body: Type.Optional(Type.Unknown({ description: 'A string or an OTLP AnyValue; may use placeholders.' })),
      ...otelTargetProperties('Collector address, host:port or an http(s) URL; an empty port defaults to 4317.'),
    }),
  ),
});
type Backend = Static<typeof Backend>;
export type MeshAccessLogBackend = Backend;

export const MeshAccessLogConf = Strict({
  backends: Type.Optional(
    Type.Array(Backend, { description: 'Where logs go; an empty list disables logging. Required.' }),
  ),
});
export type MeshAccessLogConf = Static<typeof MeshAccessLogConf>;

export const MeshAccessLogSpec = Strict({
  targetRef: Type.Optional(TargetRef(TOP_LEVEL_KINDS)),
  to: Type.Optional(
    Type.Array(Strict({ targetRef: TargetRef(TO_OR_ROUTE_KINDS), default: Type.Optional(MeshAccessLogConf) })),
  ),
  from: Type.Optional(
    Type.Array(Strict({ targetRef: TargetRef(FROM_KINDS), default: Type.Optional(MeshAccessLogConf) })),
  ),
  rules: Type.Optional(Type.Array(Strict({ default: MeshAccessLogConf }))),
});
export type MeshAccessLogSpec = Static<typeof MeshAccessLogSpec>;

const TCP_ADDRESS = new RegExp(`^((tcp|udp|https?)://)?${HOST_PATTERN}(:([0-9]{1,5}))?$`);

/** Why a TCP collector address is unusable, or undefined when it is fine. */
function tcpAddressProblem(address: string): string | undefined {
  const match = TCP_ADDRESS.exec(address);
  if (!match) return 'must be an address like 127.0.0.1:5000';
  const port = match.at(-1);
  return port !== undefined && (Number(port) < 1 || Number(port) > 65535)
    ? 'port must be between 1 and 65535'
    : undefined;
}

function checkFormat(format: Format | undefined, at: string): InvalidParameter[] {
  if (!format) return [];
  if (format.type === 'Plain')
    return format.plain ? [] : [{ field: `${at}.plain`, reason: 'must not be empty when type is Plain' }];
  if (!format.json || format.json.length === 0)
    return [{ field: `${at}.json`, reason: 'must not be empty when type is Json' }];
  const issues: InvalidParameter[] = [];
  format.json.forEach((entry, i) => {
    if (entry.key === '') issues.push({ field: `${at}.json[${i}].key`, reason: 'must not be empty' });
    if (entry.value === '') issues.push({ field: `${at}.json[${i}].value`, reason: 'must not be empty' });
    try {
      JSON.parse(`{"${entry.key}": "${entry.value}"}`);
    } catch {
      issues.push({ field: `${at}.json[${i}]`, reason: 'must form a valid JSON field: escape quotes and backslashes' });
    }
  });
  return issues;
}

function checkBackend(backend: Backend, at: string): InvalidParameter[] {
  switch (backend.type) {
    case 'File':
      if (!backend.file) return [{ field: `${at}.file`, reason: 'is required when type is File' }];
      return [
        ...checkFormat(backend.file.format, `${at}.file.format`),
        ...(backend.file.path.startsWith('/')
          ? []
          : [{ field: `${at}.file.path`, reason: 'must be an absolute file path' }]),
      ];
    case 'Tcp': {
      if (!backend.tcp) return [{ field: `${at}.tcp`, reason: 'is required when type is Tcp' }];
      const problem = tcpAddressProblem(backend.tcp.address);
      return [
        ...checkFormat(backend.tcp.format, `${at}.tcp.format`),
        ...(problem === undefined ? [] : [{ field: `${at}.tcp.address`, reason: problem }]),
      ];
    }
    case 'OpenTelemetry':
      if (!backend.openTelemetry)
        return [{ field: `${at}.openTelemetry`, reason: 'is required when type is OpenTelemetry' }];
      return checkOtelTarget(backend.openTelemetry, `${at}.openTelemetry`);
  }
}

function checkConf(conf: MeshAccessLogConf | undefined, at: string): InvalidParameter[] {
  if (conf?.backends === undefined) return [{ field: `${at}.backends`, reason: 'is required' }];
  return conf.backends.flatMap((backend, i) => checkBackend(backend, `${at}.backends[${i}]`));
}

function checkMeshAccessLog(spec: MeshAccessLogSpec): InvalidParameter[] {
  const issues: InvalidParameter[] = [];
  const has = (list: readonly unknown[] | undefined) => list !== undefined && list.length > 0;
  if (!has(spec.to) && !has(spec.from) && !has(spec.rules))
    issues.push({ field: 'to', reason: 'at least one of to, from or rules must be set' });
  if (has(spec.rules) && has(spec.from)) issues.push({ field: 'from', reason: 'must be empty when rules is set' });
  spec.to?.forEach((to, i) => issues.push(...checkConf(to.default, `to[${i}].default`)));
  spec.from?.forEach((from, i) => issues.push(...checkConf(from.default, `from[${i}].default`)));
  spec.rules?.forEach((rule, i) => issues.push(...checkConf(rule.default, `rules[${i}].default`)));
  return issues;
}

export const MeshAccessLogKind = definePolicy({
  name: 'MeshAccessLog',
  shortName: 'mal',
  hasStatus: true,
  order: 600,
  acts: 'both',
  fromAsRules: true,
  spec: MeshAccessLogSpec,
  check: checkMeshAccessLog,
});
