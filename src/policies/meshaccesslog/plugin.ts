/**
 * The MeshAccessLog plugin: Envoy's file access logger on the listeners of a
 * sidecar, found by their origin (xds/generate/origins.ts):
 *
 *   to[], per destination service ─► each outbound listener to that service
 *   from[], rules[], per inbound   ─► the inbound's listener, every filter chain
 *   each File backend of the merged conf ─► one access_log entry, in backend order,
 *     on each HTTP connection manager (Kuma's HTTP line by default)
 *     and each TCP proxy (Kuma's TCP line by default)
 *
 * Kuma's placeholders are replaced with the proxy's values here (formats.ts);
 * `backends: []` logs nothing. Tcp and OpenTelemetry backends are not applied
 * yet, and proxyless gRPC has no access logs: both are reported with `warn`.
 */
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import {
  defineEdit,
  editHttpConnectionManagers,
  editTcpProxies,
  fileAccessLog,
  inboundListeners,
  outboundListeners,
  type ProxyContext,
  type ProxyResources,
} from '../../xds/generate/index.js';
import {
  inboundRules,
  resolveCatchAll,
  resolveTo,
  serviceDestination,
  toEntries,
  type MatchedPolicy,
  type PluginContext,
  type PolicyPlugin,
} from '../core/index.js';
import { envoyLogFormat, unknownPlaceholders, type FilterKind, type KumaValues } from './formats.js';
import type { MeshAccessLogConf, MeshAccessLogFormat } from './schema.js';

/** A File backend as the edit needs it. */
interface FileLog {
  readonly path: string;
  readonly format?: MeshAccessLogFormat;
}

/** Kuma's name for a source it cannot know: the caller of an inbound. */
const UNKNOWN_SERVICE = 'unknown';

const withAccessLogs = defineEdit(
  'MeshAccessLog',
  ListenerSchema,
  (copy, { logs, values }: { logs: readonly FileLog[]; values: KumaValues }) => {
    const entries = (filter: FilterKind) =>
      logs.map((log) => fileAccessLog(log.path, envoyLogFormat(log.format, filter, values)));
    editHttpConnectionManagers(copy, (hcm) => hcm.accessLog.push(...entries('http')));
    editTcpProxies(copy, (tcpProxy) => tcpProxy.accessLog.push(...entries('tcp')));
  },
);

const outboundConf = (proxy: ProxyContext, matched: readonly MatchedPolicy[], service: string) =>
  resolveTo(matched, serviceDestination(proxy, service)).conf as MeshAccessLogConf | undefined;

const inboundConf = (matched: readonly MatchedPolicy[], position: number) =>
  resolveCatchAll(inboundRules(matched, position, { fromAsRules: true })) as MeshAccessLogConf | undefined;

/** The File backends of a merged conf; the others are reported, not applied. */
function fileLogs(conf: MeshAccessLogConf | undefined, where: string, warn: (message: string) => void): FileLog[] {
  const logs: FileLog[] = [];
  for (const backend of conf?.backends ?? []) {
    if (backend.type !== 'File' || backend.file === undefined) {
      warn(`${where}: the ${backend.type} backend is not applied yet; only File backends write access logs`);
      continue;
    }
    for (const placeholder of unknownPlaceholders(backend.file.format))
      warn(`${where}: ${placeholder} has no value on this control plane; written as "-"`);
    logs.push(backend.file.format === undefined ? { path: backend.file.path } : backend.file);
  }
  return logs;
}

/** Policies or entries for one MeshHTTPRoute: access logs are per listener, so these are left out. */
function warnRouteTargets(matched: readonly MatchedPolicy[], warn: (message: string) => void): void {
  for (const { policy, routes } of matched) {
    const namesRoute =
      routes !== undefined || toEntries(policy).some((entry) => entry.targetRef.kind === 'MeshHTTPRoute');
    if (namesRoute) warn(`${policy.name}: MeshHTTPRoute targets are not applied yet: access logs are per listener`);
  }
}

function applyToSidecar(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
  warnRouteTargets(matched, warn);
  const sourceService = proxy.inbounds[0]?.service ?? UNKNOWN_SERVICE;
  const values = (direction: KumaValues['direction'], source: string, destination: string): KumaValues => ({
    mesh: proxy.mesh,
    sourceService: source,
    destinationService: destination,
    sourceAddress: proxy.address,
    direction,
  });
  const edited = new Map<Listener, Listener>();
  for (const { listener, outbound } of outboundListeners(resources)) {
    const logs = fileLogs(outboundConf(proxy, matched, outbound.service), `to ${outbound.service}`, warn);
    if (logs.length === 0) continue;
    edited.set(
      listener,
      withAccessLogs(listener, { logs, values: values('OUTBOUND', sourceService, outbound.service) }),
    );
  }
  for (const { listener, inbound, position } of inboundListeners(resources)) {
    const logs = fileLogs(inboundConf(matched, position), `inbound ${inbound.address}:${inbound.port}`, warn);
    if (logs.length === 0) continue;
    edited.set(
      listener,
      withAccessLogs(listener, { logs, values: values('INBOUND', UNKNOWN_SERVICE, inbound.service) }),
    );
  }
  return edited.size === 0 ? resources : resources.map('listeners', (listener) => edited.get(listener) ?? listener);
}

/** Whether any traffic of the proxy would be logged: what a proxy that cannot log is told about. */
function logsSomething({ proxy, matched }: PluginContext): boolean {
  const hasBackends = (conf: MeshAccessLogConf | undefined) => (conf?.backends?.length ?? 0) > 0;
  return (
    proxy.outbounds.some((outbound) => hasBackends(outboundConf(proxy, matched, outbound.service))) ||
    proxy.inbounds.some((_, position) => hasBackends(inboundConf(matched, position)))
  );
}

export const meshAccessLogPlugin = {
  kind: 'MeshAccessLog',
  apply(resources, context) {
    if (context.proxy.flavour === 'grpc') {
      if (logsSomething(context)) context.warn('not applied: proxyless gRPC writes no access logs');
      return resources;
    }
    return applyToSidecar(resources, context);
  },
} satisfies PolicyPlugin<'MeshAccessLog'>;
