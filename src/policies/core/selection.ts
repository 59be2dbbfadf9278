/**
 * Does a policy's top-level targetRef select a proxy, and which of its inbounds?
 *
 *   Mesh               every proxy, every inbound
 *   Dataplane          by Dataplane name or labels; sectionName narrows to one inbound
 *   MeshSubset         proxies with an inbound carrying all the tags; those inbounds
 *   MeshService        inbounds of that service (kuma.io/service, or MeshService name/labels)
 *   MeshServiceSubset  inbounds of that service that also carry all the tags
 *   MeshGateway        builtin gateways the named MeshGateway configures; with `tags`,
 *                      only if one of its listeners carries them
 *   MeshHTTPRoute      the proxies that route (by name or labels) selects; no inbounds:
 *                      such a policy configures that route's outbound traffic only
 *
 * A proxy is selected as a whole (its outbounds: `to`, its `default`) when the
 * result is defined; `inbounds` says where `from` and `rules` apply, so a
 * MeshSubset that matches one inbound of two configures only that one's
 * inbound traffic. `proxyTypes` (empty = all) filters by proxy type for every
 * kind.
 *
 * A builtin gateway is matched through the MeshGateway that configures it (the
 * caller resolves which): tag-based kinds match each listener's tags (the
 * proxy's gateway tags, the MeshGateway's and the listener's, merged), so a
 * builtin gateway no MeshGateway configures is selected by nothing, and a
 * Dataplane targetRef never selects one (Kuma's rules). A delegated gateway is
 * matched on its gateway tags.
 */
import { SERVICE_TAG, type Labels } from '../../api/index.js';
import { sectionsNamed } from './section-name.js';
import { selectorMatches } from './tag-selector.js';
import type { PROXY_TYPES, TargetRef } from './targetref.js';

export type ProxyType = (typeof PROXY_TYPES)[number];

/** A MeshService an inbound implements, as the caller resolved it. */
export interface MeshServiceMembership {
  readonly name: string;
  readonly labels: Labels;
}

export interface ProxyInbound {
  readonly tags: Labels;
  readonly port: number;
  /** The inbound's section name (`inbound[].name`). */
  readonly name?: string | undefined;
  /** MeshServices this inbound implements, when known: lets a MeshService targetRef select by resource name or labels. */
  readonly meshServices?: readonly MeshServiceMembership[] | undefined;
}

/** The MeshGateway that configures a builtin gateway, as targetRefs see it. */
export interface ServingGateway {
  readonly name: string;
  readonly labels: Labels;
  /** Per listener: the proxy's gateway tags, the MeshGateway's tags and the listener's, merged in that order. */
  readonly listenerTags: readonly Labels[];
}

/** A MeshHTTPRoute, as a policy whose top-level targetRef names a route sees it. */
export interface RouteIdentity {
  readonly name: string;
  readonly labels: Labels;
}

export interface ProxyDescription {
  readonly name: string;
  readonly mesh: string;
  /** The Dataplane's labels (metadata), not its tags. */
  readonly labels: Labels;
  readonly kind: ProxyType;
  readonly inbounds: readonly ProxyInbound[];
  /**
   * A gateway's `gateway.tags`. A gateway has no inbounds, so tag-based kinds
   * (MeshSubset, MeshService, MeshServiceSubset) match these instead.
   */
  readonly gatewayTags?: Labels | undefined;
  /** A builtin gateway (`networking.gateway.type: BUILTIN`): matched through `servedBy`, not `gatewayTags`. */
  readonly builtin?: boolean | undefined;
  /** For a builtin gateway: the MeshGateway that configures it, if one does. */
  readonly servedBy?: ServingGateway | undefined;
  /** The MeshHTTPRoutes that select this proxy: what a MeshHTTPRoute targetRef is matched against. */
  readonly routes?: readonly RouteIdentity[] | undefined;
}

export interface Selection {
  /** Positions in `proxy.inbounds` whose inbound traffic the policy configures; empty for a gateway. */
  readonly inbounds: readonly number[];
  /** For a MeshHTTPRoute targetRef: the names of the proxy's routes it names, whose traffic alone it configures. */
  readonly routes?: readonly string[];
}

/** What a tag-based kind asks of one inbound (or of a gateway's tags). */
type TaggedPredicate = (tags: Labels, meshServices: readonly MeshServiceMembership[]) => boolean;

/** The selection a top-level targetRef makes on a proxy, or undefined when it does not select it. */
export function selectProxy(ref: TargetRef, proxy: ProxyDescription): Selection | undefined {
  if (ref.proxyTypes !== undefined && ref.proxyTypes.length > 0 && !ref.proxyTypes.includes(proxy.kind))
    return undefined;
  switch (ref.kind) {
    case 'Mesh':
      if (proxy.builtin === true && proxy.servedBy === undefined) return undefined;
      return { inbounds: proxy.inbounds.map((_, position) => position) };
    case 'Dataplane':
      return selectDataplane(ref, proxy);
    case 'MeshSubset':
      return selectTagged(proxy, (tags) => selectorMatches(ref.tags ?? {}, tags));
    case 'MeshService':
      return narrowToSection(ref, proxy, selectTagged(proxy, serviceMatcher(ref)));
    case 'MeshServiceSubset': {
      const isService = serviceMatcher(ref);
      const subset = ref.tags ?? {};
      return narrowToSection(
        ref,
        proxy,
        selectTagged(proxy, (tags, services) => isService(tags, services) && selectorMatches(subset, tags)),
      );
    }
    case 'MeshGateway':
      return selectGateway(ref, proxy);
    case 'MeshHTTPRoute': {
      const routes = (proxy.routes ?? []).filter((route) => routeMatches(ref, route)).map((route) => route.name);
      return routes.length > 0 ? { inbounds: [], routes } : undefined;
    }
    default:
      return undefined;
  }
}

/** Whether a MeshHTTPRoute targetRef names this route: by resource name or by labels. */
export function routeMatches(ref: TargetRef, route: RouteIdentity): boolean {
  if (ref.name !== undefined) return ref.name === route.name;
  return ref.labels !== undefined && selectorMatches(ref.labels, route.labels);
}

/** By name or labels of the Dataplane itself; with neither (the bare kind) every Dataplane. */
function selectDataplane(ref: TargetRef, proxy: ProxyDescription): Selection | undefined {
  if (proxy.builtin === true) return undefined;
  if (ref.name !== undefined && ref.name !== proxy.name) return undefined;
  if (ref.labels !== undefined && !selectorMatches(ref.labels, proxy.labels)) return undefined;
  return narrowToSection(ref, proxy, { inbounds: proxy.inbounds.map((_, position) => position) });
}

/** A MeshService reference: by name (the kuma.io/service tag, or a MeshService resource name) or by MeshService labels. */
function serviceMatcher(ref: TargetRef): TaggedPredicate {
  const { name, labels } = ref;
  return (tags, services) => {
    if (name !== undefined) return tags[SERVICE_TAG] === name || services.some((service) => service.name === name);
    if (labels !== undefined) return services.some((service) => selectorMatches(labels, service.labels));
    return false;
  };
}

/** By the MeshGateway's name (or labels), then, with `tags`, by its listeners' tags. */
function selectGateway(ref: TargetRef, proxy: ProxyDescription): Selection | undefined {
  const gateway = proxy.servedBy;
  if (gateway === undefined) return undefined;
  if (ref.name !== undefined ? ref.name !== gateway.name : !selectorMatches(ref.labels ?? {}, gateway.labels))
    return undefined;
  const tags = ref.tags ?? {};
  return gateway.listenerTags.some((listener) => selectorMatches(tags, listener)) ? { inbounds: [] } : undefined;
}

/** The tag sets a gateway is matched on: a builtin one's listeners, a delegated one's gateway tags. */
function gatewayTagSets(proxy: ProxyDescription): readonly Labels[] {
  if (proxy.builtin === true) return proxy.servedBy?.listenerTags ?? [];
  return proxy.gatewayTags === undefined ? [] : [proxy.gatewayTags];
}

/** The inbounds a tag-based kind matches; a gateway is matched on its gateway (or listener) tags. */
function selectTagged(proxy: ProxyDescription, matches: TaggedPredicate): Selection | undefined {
  const inbounds = proxy.inbounds.flatMap((inbound, position) =>
    matches(inbound.tags, inbound.meshServices ?? []) ? [position] : [],
  );
  const gatewayMatches = gatewayTagSets(proxy).some((tags) => matches(tags, []));
  return inbounds.length > 0 || gatewayMatches ? { inbounds } : undefined;
}

/** With a sectionName, only the named inbound among those selected; a proxy with no such inbound is not selected. */
function narrowToSection(
  ref: TargetRef,
  proxy: ProxyDescription,
  selection: Selection | undefined,
): Selection | undefined {
  if (selection === undefined || ref.sectionName === undefined) return selection;
  const candidates = selection.inbounds.map((position) => proxy.inbounds[position]!);
  const named = sectionsNamed(ref.sectionName, candidates).map((index) => selection.inbounds[index]!);
  return named.length > 0 ? { inbounds: named } : undefined;
}
