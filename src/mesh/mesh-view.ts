/**
 * MeshView: the in-memory index of one mesh that the engine keeps current
 * from store events. It answers two questions fast:
 *   - what does proxy P need?      → `context(P)`, the generator's input;
 *   - whom does a change affect?   → the set `upsert`/`remove` return: the
 *     changed dataplane itself and every proxy with an outbound to a service
 *     whose endpoints or protocol changed.
 * Consumers are indexed by service, so a new endpoint of one service touches
 * only that service's consumers, never the whole mesh.
 */
import type { Labels, Resource } from '../api/index.js';
import type {
  DestinationContext,
  EndpointContext,
  InboundContext,
  ProxyContext,
  ProxyFlavour,
  Protocol,
} from '../xds/generate/index.js';
import { ZONE_TAG } from '../api/index.js';
import type { DataplaneModel } from './dataplane-model.js';
import {
  destinationsConfiguredBy,
  isRouteScoped,
  MeshPolicies,
  policySelects,
  proxyDescriptionOf,
  ROUTE_KIND,
  type GatewayLookup,
  type MeshServiceLookup,
} from './mesh-policies.js';
import { gatewayModelOf, servingGateway, type GatewayModel } from './serving-gateway.js';
import { topLevelTargetRef } from '../policies/core/index.js';

interface ServiceEntry {
  /** Ready endpoints per dataplane that serves the service. */
  readonly endpoints: Map<string, readonly ServiceEndpoint[]>;
  /** Dataplanes with an outbound to the service. */
  readonly consumers: Set<string>;
  /** Cached destination; dropped whenever endpoints change. */
  destination?: DestinationContext | undefined;
}

/** An endpoint as the view keeps it: with what only the destination as a whole exposes. */
type ServiceEndpoint = EndpointContext & { readonly protocol: Protocol; readonly sectionName?: string };

const endpointKey = (e: ServiceEndpoint): string =>
  `${e.address}:${e.port}:${e.zone}:${e.protocol}:${e.sectionName ?? ''}:${JSON.stringify(e.tags)}`;

function endpointsOf(model: DataplaneModel): Map<string, ServiceEndpoint[]> {
  const byService = new Map<string, ServiceEndpoint[]>();
  for (const inbound of model.inbounds) {
    if (inbound.state !== 'Ready') continue;
    const list = byService.get(inbound.service) ?? [];
    list.push({
      address: inbound.reachableAddress,
      port: inbound.port,
      zone: inbound.tags[ZONE_TAG] ?? '',
      tags: inbound.tags,
      protocol: inbound.protocol,
      ...(inbound.name === undefined ? {} : { sectionName: inbound.name }),
    });
    byService.set(inbound.service, list);
  }
  return byService;
}

const sameEndpoints = (a: readonly ServiceEndpoint[] | undefined, b: readonly ServiceEndpoint[] | undefined): boolean =>
  (a ?? []).map(endpointKey).join('|') === (b ?? []).map(endpointKey).join('|');

/** The port section all endpoints share (each part only when they agree on it), for `to[]` sectionName matching. */
function sectionOf(endpoints: readonly ServiceEndpoint[]): Pick<DestinationContext, 'section'> {
  if (endpoints.length === 0) return {};
  const ports = new Set(endpoints.map((e) => e.port));
  const names = new Set(endpoints.map((e) => e.sectionName));
  const port = ports.size === 1 ? endpoints[0]!.port : undefined;
  const name = names.size === 1 ? endpoints[0]!.sectionName : undefined;
  if (port === undefined && name === undefined) return {};
  return { section: { ...(name === undefined ? {} : { name }), ...(port === undefined ? {} : { port }) } };
}

export class MeshView {
  private readonly dataplanes = new Map<string, DataplaneModel>();
  private readonly services = new Map<string, ServiceEntry>();
  private readonly policies = new MeshPolicies();
  /**
   * A dataplane's inbounds as generator input, kept with its model so rebuilds
   * see the same objects (generators memoize on them) until the dataplane changes.
   */
  private readonly inboundContexts = new WeakMap<DataplaneModel, readonly InboundContext[]>();
  /**
   * The labels of the mesh's MeshService resources, by name. A MeshService
   * stands for the Dataplane inbounds whose `kuma.io/service` is its name
   * (its selector is not read yet): its labels let policies name it by labels,
   * as a destination (`to[]`) or as the service a proxy implements (top level).
   */
  private readonly meshServiceLabels = new Map<string, Labels>();
  private readonly meshServiceOf: MeshServiceLookup = (service) => {
    const labels = this.meshServiceLabels.get(service);
    return labels === undefined ? undefined : { name: service, labels };
  };

  /** The mesh's MeshGateways, by name: which one serves a builtin gateway decides the policies naming it. */
  private readonly gateways = new Map<string, GatewayModel>();
  private readonly gatewayOf: GatewayLookup = (tags, labels) => servingGateway(this.gateways.values(), tags, labels);

  constructor(readonly mesh: string) {}

  get size(): number {
    return this.dataplanes.size;
  }

  has(name: string): boolean {
    return this.dataplanes.has(name);
  }

  /** Adds or replaces a dataplane; returns the names of the proxies whose config may have changed. */
  upsert(model: DataplaneModel): Set<string> {
    const previous = this.dataplanes.get(model.name);
    this.dataplanes.set(model.name, model);
    return this.reindex(model.name, previous, model);
  }

  remove(name: string): Set<string> {
    const previous = this.dataplanes.get(name);
    if (!previous) return new Set();
    this.dataplanes.delete(name);
    return this.reindex(name, previous, undefined);
  }

  /**
   * Adds, replaces or (labels undefined) removes a MeshService resource;
   * returns the proxies it may change: those that call the service (`to[]`
   * by labels) and those that implement it (top-level targetRefs by labels).
   */
  upsertMeshService(name: string, labels: Labels | undefined): Set<string> {
    const before = this.meshServiceLabels.get(name);
    if (labels === undefined) this.meshServiceLabels.delete(name);
    else this.meshServiceLabels.set(name, labels);
    if (JSON.stringify(before) === JSON.stringify(labels)) return new Set();
    this.policies.invalidateAll();
    const entry = this.services.get(name);
    if (entry === undefined) return new Set();
    entry.destination = undefined;
    return new Set([...entry.consumers, ...entry.endpoints.keys()]);
  }

  /**
   * Adds, replaces or (resource undefined) removes a MeshGateway; returns the
   * builtin gateways it may change: which MeshGateway serves one, and so the
   * policies that select it, can change with any of them.
   */
  upsertMeshGateway(name: string, resource: Resource | undefined): Set<string> {
    if (resource === undefined) {
      if (!this.gateways.delete(name)) return new Set();
    } else this.gateways.set(name, gatewayModelOf(resource));
    this.policies.invalidateAll();
    return new Set([...this.dataplanes.values()].filter((m) => m.gateway?.builtin === true).map((m) => m.name));
  }

  /**
   * The generator input for a builtin gateway that a MeshGateway would serve,
   * named and labelled as the MeshGateway and carrying its first selector's
   * tags (what Kuma inspects a MeshGateway's rules as); undefined when the mesh
   * has no such MeshGateway.
   */
  gatewayContext(name: string, flavour: ProxyFlavour): ProxyContext | undefined {
    const gateway = this.gateways.get(name);
    const tags = gateway?.selectors[0];
    if (gateway === undefined || tags === undefined) return undefined;
    const model: DataplaneModel = {
      mesh: this.mesh,
      name,
      labels: gateway.labels,
      address: '',
      inbounds: [],
      outbounds: [],
      gateway: { builtin: true, tags },
    };
    return this.contextOfModel(model, flavour, false);
  }

  /** Every dataplane name: a mesh-wide change affects them all. */
  names(): string[] {
    return [...this.dataplanes.keys()];
  }

  /**
   * The generator input for one proxy, or undefined when the dataplane is unknown.
   * `includeShadow`: with the shadow policies that select it too (inspection only).
   */
  context(name: string, flavour: ProxyFlavour, includeShadow = false): ProxyContext | undefined {
    const model = this.dataplanes.get(name);
    return model === undefined ? undefined : this.contextOfModel(model, flavour, includeShadow);
  }

  private contextOfModel(model: DataplaneModel, flavour: ProxyFlavour, includeShadow: boolean): ProxyContext {
    const destinations = new Map<string, DestinationContext>();
    for (const outbound of model.outbounds) {
      if (!destinations.has(outbound.service)) destinations.set(outbound.service, this.destination(outbound.service));
    }
    const inbounds = this.inboundsOf(model);
    return {
      mesh: this.mesh,
      name: model.name,
      flavour,
      address: model.address,
      inbounds,
      policies: (includeShadow ? this.policies.allMatchedWithShadow : this.policies.allMatched).call(
        this.policies,
        model,
        () => proxyDescriptionOf(model, inbounds, this.meshServiceOf, this.gatewayOf),
      ),
      outbounds: model.outbounds,
      destinations,
    };
  }

  /**
   * Adds or replaces a policy; returns the proxies it may change: those its
   * old or new version selects. A policy's `to` and `from` sections only
   * configure the proxies its top-level targetRef selects, so no other proxy
   * needs a rebuild.
   */
  upsertPolicy(policy: Resource): Set<string> {
    const previous = this.policies.upsert(policy);
    return this.affectedBy([policy, ...(previous ? [previous] : [])]);
  }

  removePolicy(kind: string, name: string): Set<string> {
    const previous = this.policies.remove(kind, name);
    return previous ? this.affectedBy([previous]) : new Set();
  }

  /**
   * The proxies the versions of a policy select; when every version only
   * configures traffic to named services, only those of them that consume one
   * (a timeout towards `billing` changes nothing for a proxy that never calls it).
   */
  private affectedBy(versions: readonly Resource[]): Set<string> {
    const limits = versions.map((version) => this.destinationsLimitOf(version));
    const services = limits.every((limit) => limit !== undefined)
      ? new Set(limits.flatMap((limit) => [...limit!]))
      : undefined;
    const candidates = services === undefined ? this.dataplanes.values() : this.consumersOf(services);
    const routeScoped = versions.some(isRouteScoped);
    const selected = new Set<string>();
    for (const model of candidates) {
      const inbounds = this.plainInboundsOf(model);
      const described = () => proxyDescriptionOf(model, inbounds, this.meshServiceOf, this.gatewayOf);
      const proxy = routeScoped ? this.policies.describe(model, described) : described();
      if (versions.some((policy) => policySelects(policy, proxy))) selected.add(model.name);
    }
    return selected;
  }

  /**
   * The destinations a policy version can configure, when limited: its own
   * `to[]` services; for a policy targeting a MeshHTTPRoute by name, those of
   * that route (none while no such route exists). Undefined when unlimited.
   */
  private destinationsLimitOf(policy: Resource): ReadonlySet<string> | undefined {
    if (!isRouteScoped(policy)) return destinationsConfiguredBy(policy);
    const { name } = topLevelTargetRef(policy);
    if (name === undefined) return undefined;
    const route = this.policies.get(ROUTE_KIND, name);
    return route === undefined ? new Set() : destinationsConfiguredBy(route);
  }

  private *consumersOf(services: ReadonlySet<string>): Iterable<DataplaneModel> {
    const seen = new Set<string>();
    for (const service of services) {
      for (const name of this.services.get(service)?.consumers ?? []) {
        const model = this.dataplanes.get(name);
        if (model && !seen.has(name)) {
          seen.add(name);
          yield model;
        }
      }
    }
  }

  /** The inbounds as the proxy's own generators and policies see them (Ignored ones left out). */
  private plainInboundsOf(model: DataplaneModel): InboundContext[] {
    return model.inbounds
      .filter((ib) => ib.state !== 'Ignored')
      .map(({ state: _state, reachableAddress: _reachable, ...inbound }) => inbound);
  }

  private inboundsOf(model: DataplaneModel): readonly InboundContext[] {
    let inbounds = this.inboundContexts.get(model);
    if (inbounds === undefined) {
      inbounds = this.plainInboundsOf(model);
      this.inboundContexts.set(model, inbounds);
    }
    return inbounds;
  }

  /** One service as a destination; the same object until its endpoints change. */
  destination(service: string): DestinationContext {
    const entry = this.services.get(service);
    if (entry?.destination) return entry.destination;
    const all = entry ? [...entry.endpoints.values()].flat() : [];
    all.sort((a, b) => a.address.localeCompare(b.address) || a.port - b.port);
    const protocols = new Set(all.map((e) => e.protocol));
    const protocol: Protocol = protocols.size === 1 ? [...protocols][0]! : 'tcp';
    const destination: DestinationContext = {
      service,
      protocol,
      endpoints: all.map(({ protocol: _protocol, sectionName: _sectionName, ...endpoint }) => endpoint),
      ...sectionOf(all),
      ...(this.meshServiceLabels.has(service) ? { labels: this.meshServiceLabels.get(service)! } : {}),
    };
    if (entry) entry.destination = destination;
    return destination;
  }

  private entry(service: string): ServiceEntry {
    let entry = this.services.get(service);
    if (!entry) {
      entry = { endpoints: new Map(), consumers: new Set() };
      this.services.set(service, entry);
    }
    return entry;
  }

  private reindex(name: string, previous: DataplaneModel | undefined, next: DataplaneModel | undefined): Set<string> {
    const affected = new Set<string>([name]);
    const before = previous ? endpointsOf(previous) : new Map();
    const after = next ? endpointsOf(next) : new Map();
    for (const service of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(service);
      const now = after.get(service);
      if (sameEndpoints(old, now)) continue;
      const entry = this.entry(service);
      if (now) entry.endpoints.set(name, now);
      else entry.endpoints.delete(name);
      delete entry.destination;
      for (const consumer of entry.consumers) affected.add(consumer);
      this.dropIfUnused(service);
    }
    const consumedBefore = new Set(previous?.outbounds.map((o) => o.service) ?? []);
    const consumedAfter = new Set(next?.outbounds.map((o) => o.service) ?? []);
    for (const service of consumedBefore) {
      if (consumedAfter.has(service)) continue;
      this.services.get(service)?.consumers.delete(name);
      this.dropIfUnused(service);
    }
    for (const service of consumedAfter) this.entry(service).consumers.add(name);
    return affected;
  }

  private dropIfUnused(service: string): void {
    const entry = this.services.get(service);
    if (entry && entry.endpoints.size === 0 && entry.consumers.size === 0) this.services.delete(service);
  }
}
