/**
 * The MeshFaultInjection plugin: HTTP fault filters, before the router.
 *
 *   Envoy  from[] (Mesh), rules[] ─► inbound:<ip>:<port> HCM (HTTP inbounds), every filter chain
 *          to[]                   ─► not applied: Kuma applies `to` to built-in gateways
 *                                    only, which Koguma does not generate
 *   gRPC   to[]                   ─► api listener <service> HCM: abort and delay
 *          from[], rules[]        ─► not applied: grpc-js-xds runs the fault filter on
 *                                    clients only, and rejects it on a server listener
 *
 * A proxyless client takes `to`, unlike a sidecar, because it is the only
 * place gRPC can inject faults: a proxyless server cannot honour `from`.
 *
 * Inbound faults are not per client: Envoy's fault filter can match callers
 * only by header (Kuma uses an `x-kuma-tags` header its sidecars add, which
 * Koguma's do not), so what applies is the conf of `rules[]` and of `from[]`
 * entries naming the whole mesh; entries naming some callers are reported.
 */
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { addHttpFiltersBeforeRouter, buildHttpFault, FAULT_FILTER_NAME, httpFaultFilter, type FaultInput } from '../../xds/generate/builders/index.js';
import { isHttpProtocol } from '../../xds/generate/destinations.js';
import { inboundListenerName } from '../../xds/generate/names.js';
import type { ProxyResources } from '../../xds/generate/resources.js';
import { editedCopy } from '../../xds/generate/shared.js';
import { inboundRules, policiesForInbound, resolveCatchAll } from '../core/from-rules.js';
import type { MatchedPolicy } from '../core/match.js';
import type { PluginContext, PolicyPlugin } from '../core/plugin.js';
import { fromEntries, ruleEntries, toEntries } from '../core/policy-spec.js';
import { resolveTo } from '../core/to-rules.js';
import { faultInputs, type FaultSupport } from './faults.js';

const ENVOY: FaultSupport = { responseBandwidth: true };
const GRPC: FaultSupport = { responseBandwidth: false };

/** Filter names: unique within a connection manager, as grpc-js-xds requires. */
const faultFilterName = (i: number): string => (i === 0 ? FAULT_FILTER_NAME : `${FAULT_FILTER_NAME}.${i}`);

/** `listener` with the faults before its router (a shared copy per listener and faults). */
function withFaults(listener: Listener, faults: readonly FaultInput[]): Listener {
  return editedCopy(ListenerSchema, listener, `MeshFaultInjection ${JSON.stringify(faults)}`, (copy) =>
    addHttpFiltersBeforeRouter(
      copy,
      faults.map((fault, i) => httpFaultFilter(faultFilterName(i), buildHttpFault(fault))),
    ),
  );
}

/** The resources with some listeners replaced by name. */
function replaceListeners(resources: ProxyResources, replaced: ReadonlyMap<string, Listener>): ProxyResources {
  if (replaced.size === 0) return resources;
  return { ...resources, listeners: resources.listeners.map((listener) => replaced.get(listener.name) ?? listener) };
}

/** Reports `from[]` entries that name some callers only: the fault filter cannot tell callers apart. */
function warnPerClientEntries(matched: readonly MatchedPolicy[], inbound: number, warn: (message: string) => void): void {
  for (const policy of policiesForInbound(matched, inbound)) {
    if (ruleEntries(policy).length > 0) continue;
    fromEntries(policy).forEach((entry, i) => {
      if (entry.targetRef.kind !== 'Mesh')
        warn(`${policy.name}: from[${i}] (${entry.targetRef.kind}) not applied: inbound faults cannot be limited to some callers; use a Mesh source`);
    });
  }
}

function applyToEnvoyInbounds(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
  const byName = new Map(resources.listeners.map((listener) => [listener.name, listener]));
  const replaced = new Map<string, Listener>();
  proxy.inbounds.forEach((inbound, position) => {
    if (!isHttpProtocol(inbound.protocol)) return;
    warnPerClientEntries(matched, position, warn);
    const conf = resolveCatchAll(inboundRules(matched, position, { fromAsRules: true }));
    const faults = faultInputs(conf, `inbound ${inbound.service}:${inbound.port}`, ENVOY, warn);
    const name = inboundListenerName(inbound.address, inbound.port);
    const listener = byName.get(name);
    if (faults.length > 0 && listener) replaced.set(name, withFaults(listener, faults));
  });
  return replaceListeners(resources, replaced);
}

/** Faults of `to[]` on each gRPC client's api listener, named after its destination. */
function applyToGrpcClients(resources: ProxyResources, { proxy, matched, warn }: PluginContext): ProxyResources {
  const replaced = new Map<string, Listener>();
  for (const listener of resources.listeners) {
    if (!listener.apiListener || !proxy.destinations.has(listener.name)) continue;
    const { conf } = resolveTo(matched, { kind: 'MeshService', service: listener.name });
    const faults = faultInputs(conf, `to ${listener.name}`, GRPC, warn);
    if (faults.length > 0) replaced.set(listener.name, withFaults(listener, faults));
  }
  return replaceListeners(resources, replaced);
}

const hasTo = (matched: readonly MatchedPolicy[]): boolean => matched.some(({ policy }) => toEntries(policy).length > 0);
const hasInboundSections = (matched: readonly MatchedPolicy[]): boolean =>
  matched.some(({ policy, inbounds }) => inbounds.length > 0 && (fromEntries(policy).length > 0 || ruleEntries(policy).length > 0));

export const meshFaultInjectionPlugin = {
  kind: 'MeshFaultInjection',
  apply(resources, context) {
    if (context.proxy.flavour === 'grpc') {
      if (hasInboundSections(context.matched))
        context.warn('from and rules not applied: grpc-js-xds injects faults on clients only (a server listener with a fault filter is rejected); use to');
      return applyToGrpcClients(resources, context);
    }
    if (hasTo(context.matched)) context.warn('to not applied: it configures built-in gateways only, and this proxy is a sidecar');
    return applyToEnvoyInbounds(resources, context);
  },
} satisfies PolicyPlugin;
