/**
 * The MeshFaultInjection plugin: HTTP fault filters, before the router.
 *
 *   Envoy  from[], rules[]        ─► inbound:<ip>:<port> HCM (HTTP inbounds), every filter chain:
 *                                    the faults of each caller group, selected by x-kuma-tags
 *          to[]                   ─► not applied: Kuma applies `to` to built-in gateways
 *                                    only, which Koguma does not generate
 *   gRPC   to[]                   ─► api listener <service> HCM: abort and delay
 *          from[], rules[]        ─► not applied: grpc-js-xds runs the fault filter on
 *                                    clients only, and rejects it on a server listener
 *
 * A proxyless client takes `to`, unlike a sidecar, because it is the only
 * place gRPC can inject faults: a proxyless server cannot honour `from`.
 *
 * Callers are told apart as Kuma does: their sidecars set x-kuma-tags to
 * their own tags (xds/generate/tags-header.ts), and each fault filter of a
 * caller group matches that header (HTTPFault `headers`). Groups come most
 * specific first, and a group's filters leave out the callers of the more
 * specific groups inside it, so a caller gets exactly its group's faults
 * (callers.ts); callers without the header get the whole mesh's.
 */
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import type { HeaderMatcher } from '../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import {
  addHttpFiltersBeforeRouter,
  buildHttpFault,
  FAULT_FILTER_NAME,
  httpFaultFilter,
  type FaultInput,
  isHttpProtocol,
} from '../../xds/generate/index.js';
import { clientListeners, defineEdit, inboundListeners, type ProxyResources } from '../../xds/generate/index.js';
import {
  type MatchedPolicy,
  type PluginContext,
  type PolicyPlugin,
  fromEntries,
  ruleEntries,
  toEntries,
  resolveTo,
  serviceDestination,
  callerGroups,
  callerMatchers,
  groupLabel,
} from '../core/index.js';
import { faultInputs, type FaultSupport } from './faults.js';

const ENVOY: FaultSupport = { responseBandwidth: true };
const GRPC: FaultSupport = { responseBandwidth: false };

/** Filter names: unique within a connection manager, as grpc-js-xds requires. */
const faultFilterName = (i: number): string => (i === 0 ? FAULT_FILTER_NAME : `${FAULT_FILTER_NAME}.${i}`);

/** A fault, and the header conditions that select the requests it may hit (none: every request). */
interface SelectedFault {
  readonly fault: FaultInput;
  readonly headers: readonly HeaderMatcher[];
}

/** `listener` with the faults before its router (a shared copy per listener and faults; the header matchers count by content). */
const withFaults = defineEdit(
  'MeshFaultInjection',
  ListenerSchema,
  (copy, { faults }: { faults: readonly SelectedFault[] }) =>
    addHttpFiltersBeforeRouter(
      copy,
      faults.map(({ fault, headers }, i) => {
        const config = buildHttpFault(fault);
        config.headers = [...headers];
        return httpFaultFilter(faultFilterName(i), config);
      }),
    ),
);

/** The resources with some listeners replaced. */
const replaceListeners = (resources: ProxyResources, replaced: ReadonlyMap<Listener, Listener>): ProxyResources =>
  replaced.size === 0 ? resources : resources.map('listeners', (listener) => replaced.get(listener) ?? listener);

/** The faults of each caller group of an inbound, each limited to its group's callers. */
function inboundFaults(
  matched: readonly MatchedPolicy[],
  position: number,
  at: string,
  warn: (message: string) => void,
): SelectedFault[] {
  const groups = callerGroups(matched, position);
  return groups.flatMap((group, i) => {
    const where = Object.keys(group.clientTags).length === 0 ? at : `${at} ${groupLabel(group.clientTags)}`;
    const headers = callerMatchers(groups, i);
    return faultInputs(group.conf, where, ENVOY, warn).map((fault) => ({ fault, headers }));
  });
}

function applyToEnvoyInbounds(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
  const byPosition = new Map(inboundListeners(resources).map(({ listener, position }) => [position, listener]));
  const replaced = new Map<Listener, Listener>();
  proxy.inbounds.forEach((inbound, position) => {
    if (!isHttpProtocol(inbound.protocol)) return;
    const faults = inboundFaults(matched, position, `inbound ${inbound.service}:${inbound.port}`, warn);
    const listener = byPosition.get(position);
    if (faults.length > 0 && listener) replaced.set(listener, withFaults(listener, { faults }));
  });
  return replaceListeners(resources, replaced);
}

/** Faults of `to[]` on each gRPC client's api listener, by the destination it resolves. */
function applyToGrpcClients(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
  const replaced = new Map<Listener, Listener>();
  for (const { listener, service } of clientListeners(resources)) {
    if (!proxy.destinations.has(service)) continue;
    const { conf } = resolveTo(matched, serviceDestination(proxy, service));
    const faults = faultInputs(conf, `to ${service}`, GRPC, warn);
    if (faults.length > 0)
      replaced.set(listener, withFaults(listener, { faults: faults.map((fault) => ({ fault, headers: [] })) }));
  }
  return replaceListeners(resources, replaced);
}

const hasTo = (matched: readonly MatchedPolicy[]): boolean =>
  matched.some(({ policy }) => toEntries(policy).length > 0);
const hasInboundSections = (matched: readonly MatchedPolicy[]): boolean =>
  matched.some(
    ({ policy, inbounds }) => inbounds.length > 0 && (fromEntries(policy).length > 0 || ruleEntries(policy).length > 0),
  );

export const meshFaultInjectionPlugin = {
  kind: 'MeshFaultInjection',
  apply(resources, context) {
    if (context.proxy.flavour === 'grpc') {
      if (hasInboundSections(context.matched))
        context.warn(
          'from and rules not applied: grpc-js-xds injects faults on clients only (a server listener with a fault filter is rejected); use to',
        );
      return applyToGrpcClients(resources, context);
    }
    if (hasTo(context.matched))
      context.warn('to not applied: it configures built-in gateways only, and this proxy is a sidecar');
    return applyToEnvoyInbounds(resources, context);
  },
} satisfies PolicyPlugin<'MeshFaultInjection'>;
