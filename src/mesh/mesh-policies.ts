/**
 * The policies of one mesh and which of them select each proxy.
 *
 * Matching is cached per dataplane and per policy kind, each kind sorted by
 * priority once per change, and proxies selected by the same policies share
 * one result object (so what plugins derive from it, e.g. resolveTo, is
 * computed once for all of them). A change to a policy bumps only its kind's
 * generation: a MeshTimeout change re-matches
 * MeshTimeouts for the proxies rebuilt, never the mesh's MeshRetries or
 * MeshHTTPRoutes. A dataplane that changes is a new model object, so its cache
 * goes with the old one. The one dependency between kinds: a policy whose
 * top-level targetRef is a MeshHTTPRoute selects the proxies that route
 * selects, so a kind holding such policies is re-matched when MeshHTTPRoutes
 * change too. A MeshService's labels, which targetRefs by labels read, are
 * rare to change: then every kind is re-matched (`invalidateAll`).
 */
import type { Labels, Resource } from '../api/index.js';
import {
  selectInOrder,
  sortByPriority,
  type MatchedPolicy,
  fromEntries,
  isShadow,
  ruleEntries,
  toEntries,
  topLevelTargetRef,
  selectProxy,
  roleAdmits,
  type MeshServiceMembership,
  type ProxyDescription,
  type RouteIdentity,
  type ServingGateway,
} from '../policies/core/index.js';
import type { InboundContext } from '../xds/generate/index.js';
import type { DataplaneModel } from './dataplane-model.js';

interface KindEntry {
  generation: number;
  readonly policies: Map<string, Resource>;
  /** The policies lowest priority first, sorted once per generation. */
  sorted?: readonly Resource[] | undefined;
  /** Match results by content, per generation: proxies selected by the same policies share one list object. */
  interned: Map<string, readonly MatchedPolicy[]>;
  /** Whether some policy of the kind targets a MeshHTTPRoute at the top level; known once sorted. */
  routeScoped?: boolean | undefined;
}

interface CachedMatch {
  readonly generation: number;
  /** The MeshHTTPRoute generation the match saw; 0 when the kind has no route-scoped policy. */
  readonly routeGeneration: number;
  readonly matched: readonly MatchedPolicy[];
}

export const ROUTE_KIND = 'MeshHTTPRoute';

/** Whether a policy's top-level targetRef is a MeshHTTPRoute: it selects the proxies that route selects. */
export const isRouteScoped = (policy: Resource): boolean => topLevelTargetRef(policy).kind === ROUTE_KIND;

const NONE: readonly MatchedPolicy[] = Object.freeze([]);

/** The MeshService resource a service name stands for, if there is one. */
export type MeshServiceLookup = (service: string) => MeshServiceMembership | undefined;

const noMeshServices: MeshServiceLookup = () => undefined;

/** The MeshGateway that configures a builtin gateway, by its gateway tags and Dataplane labels. */
export type GatewayLookup = (tags: Labels, labels: Labels) => ServingGateway | undefined;

const noGateways: GatewayLookup = () => undefined;

/**
 * The proxy as policies see it: its labels, and the inbounds generators use
 * (Ignored ones left out), each with the MeshService resource named like its
 * service, so a MeshService targetRef by labels can select it. A gateway is
 * described by its gateway tags and, when builtin, the MeshGateway serving it.
 */
export function proxyDescriptionOf(
  model: DataplaneModel,
  inbounds: readonly InboundContext[],
  meshServiceOf: MeshServiceLookup = noMeshServices,
  gatewayOf: GatewayLookup = noGateways,
): ProxyDescription {
  const { gateway } = model;
  const gatewayFields =
    gateway === undefined
      ? {}
      : gateway.builtin
        ? { gatewayTags: gateway.tags, builtin: true, servedBy: gatewayOf(gateway.tags, model.labels) }
        : { gatewayTags: gateway.tags };
  return {
    name: model.name,
    mesh: model.mesh,
    labels: model.labels,
    kind: gateway === undefined ? 'Sidecar' : 'Gateway',
    ...gatewayFields,
    inbounds: inbounds.map((inbound) => {
      const meshService = meshServiceOf(inbound.service);
      return {
        tags: inbound.tags,
        port: inbound.port,
        ...(inbound.name === undefined ? {} : { name: inbound.name }),
        ...(meshService === undefined ? {} : { meshServices: [meshService] }),
      };
    }),
  };
}

/**
 * Whether a policy configures this proxy at all: its role reaches it and its
 * top-level targetRef selects it (shadow policies configure nothing). A policy
 * targeting a MeshHTTPRoute needs the description's `routes` (MeshPolicies.describe).
 */
export const policySelects = (policy: Resource, proxy: ProxyDescription): boolean =>
  policy.mesh === proxy.mesh &&
  !isShadow(policy) &&
  roleAdmits(policy, proxy.labels) &&
  selectProxy(topLevelTargetRef(policy), proxy) !== undefined;

/**
 * The destination services a policy's configuration is limited to: the names
 * of its `to[]` entries when every entry names one MeshService and the policy
 * has nothing else (no `from`, `rules` or top-level `default`). Undefined when
 * it may configure anything about the proxies it selects.
 */
export function destinationsConfiguredBy(policy: Resource): ReadonlySet<string> | undefined {
  if (fromEntries(policy).length > 0 || ruleEntries(policy).length > 0 || policy.spec['default'] !== undefined)
    return undefined;
  const services = new Set<string>();
  for (const { targetRef } of toEntries(policy)) {
    if (targetRef.kind !== 'MeshService' || targetRef.name === undefined || targetRef.labels !== undefined)
      return undefined;
    services.add(targetRef.name);
  }
  return services;
}

export class MeshPolicies {
  private readonly kinds = new Map<string, KindEntry>();
  private readonly matches = new WeakMap<DataplaneModel, Map<string, CachedMatch>>();

  /** Adds or replaces a policy; returns the version it replaced, if any. */
  upsert(policy: Resource): Resource | undefined {
    const entry = this.entryOf(policy.kind);
    const previous = entry.policies.get(policy.name);
    entry.policies.set(policy.name, policy);
    this.changed(entry);
    return previous;
  }

  /** Removes a policy; returns it, if it was there. */
  remove(kind: string, name: string): Resource | undefined {
    const entry = this.kinds.get(kind);
    const previous = entry?.policies.get(name);
    if (previous && entry) {
      entry.policies.delete(name);
      this.changed(entry);
    }
    return previous;
  }

  /** The stored policy of this kind and name, if any. */
  get(kind: string, name: string): Resource | undefined {
    return this.kinds.get(kind)?.policies.get(name);
  }

  generationOf(kind: string): number {
    return this.kinds.get(kind)?.generation ?? 0;
  }

  /** The policies of `kind` that select the proxy, lowest priority first. */
  matchedFor(model: DataplaneModel, description: () => ProxyDescription, kind: string): readonly MatchedPolicy[] {
    const entry = this.kinds.get(kind);
    if (!entry || entry.policies.size === 0) return NONE;
    let byKind = this.matches.get(model);
    if (!byKind) {
      byKind = new Map();
      this.matches.set(model, byKind);
    }
    const cached = byKind.get(kind);
    entry.sorted ??= sortByPriority([...entry.policies.values()]);
    entry.routeScoped ??= kind !== ROUTE_KIND && entry.sorted.some(isRouteScoped);
    const routeGeneration = entry.routeScoped ? this.generationOf(ROUTE_KIND) : 0;
    if (cached?.generation === entry.generation && cached.routeGeneration === routeGeneration) return cached.matched;
    const proxy = entry.routeScoped ? this.describe(model, description) : description();
    const selected = selectInOrder(proxy, entry.sorted);
    const key = selected
      .map((m) => `${m.policy.name}\u0000${m.inbounds.join(',')}\u0000${m.routes?.join(',') ?? ''}`)
      .join('\u0001');
    let matched = entry.interned.get(key);
    if (matched === undefined) {
      matched = Object.freeze(selected);
      entry.interned.set(key, matched);
    }
    byKind.set(kind, { generation: entry.generation, routeGeneration, matched });
    return matched;
  }

  /** The proxy's description with the MeshHTTPRoutes that select it, for policies that target a route. */
  describe(model: DataplaneModel, description: () => ProxyDescription): ProxyDescription {
    const routes: RouteIdentity[] = this.matchedFor(model, description, ROUTE_KIND).map(({ policy }) => ({
      name: policy.name,
      labels: policy.labels,
    }));
    return { ...description(), routes };
  }

  /** Every kind with at least one policy selecting the proxy. */
  allMatched(
    model: DataplaneModel,
    description: () => ProxyDescription,
  ): ReadonlyMap<string, readonly MatchedPolicy[]> {
    const all = new Map<string, readonly MatchedPolicy[]>();
    for (const kind of this.kinds.keys()) {
      const matched = this.matchedFor(model, description, kind);
      if (matched.length > 0) all.set(kind, matched);
    }
    return all;
  }

  /**
   * Every kind with at least one policy selecting the proxy, shadow policies
   * included: the configuration they would make (inspection), never cached.
   */
  allMatchedWithShadow(
    model: DataplaneModel,
    description: () => ProxyDescription,
  ): ReadonlyMap<string, readonly MatchedPolicy[]> {
    const all = new Map<string, readonly MatchedPolicy[]>();
    for (const [kind, entry] of this.kinds) {
      entry.sorted ??= sortByPriority([...entry.policies.values()]);
      const proxy =
        kind !== ROUTE_KIND && entry.sorted.some(isRouteScoped) ? this.describe(model, description) : description();
      const matched = selectInOrder(proxy, entry.sorted, true);
      if (matched.length > 0) all.set(kind, matched);
    }
    return all;
  }

  /** Every kind is matched afresh: what selection reads besides policies and dataplanes changed (MeshService labels). */
  invalidateAll(): void {
    for (const entry of this.kinds.values()) this.changed(entry);
  }

  private changed(entry: KindEntry): void {
    entry.generation++;
    entry.sorted = undefined;
    entry.routeScoped = undefined;
    entry.interned = new Map();
  }

  private entryOf(kind: string): KindEntry {
    let entry = this.kinds.get(kind);
    if (!entry) {
      entry = { generation: 0, policies: new Map(), interned: new Map() };
      this.kinds.set(kind, entry);
    }
    return entry;
  }
}
