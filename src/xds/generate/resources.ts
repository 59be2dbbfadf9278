/**
 * ProxyResources: what a generator returns and a policy plugin takes and
 * returns, one list per xDS type, each sorted by name and free of
 * duplicates, every resource with its origin (origins.ts).
 *
 * Immutable, and built only from entries that carry an origin, so an origin
 * cannot be dropped on the way: `map` hands an edit each message with its
 * origin and keeps the origin for whatever the edit returns, `add` takes new
 * resources with theirs, `with` takes a whole list of entries.
 *
 * The collector keeps the first resource given under a name: generators add
 * in a sorted order, so "first" is deterministic.
 */
import type { Cluster } from '../envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import type { ClusterLoadAssignment } from '../envoy/gen/envoy/config/endpoint/v3/endpoint_pb.js';
import type { Listener } from '../envoy/gen/envoy/config/listener/v3/listener_pb.js';
import type { RouteConfiguration } from '../envoy/gen/envoy/config/route/v3/route_pb.js';
import type { Secret } from '../envoy/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { byString } from './destinations.js';
import type { ClusterOrigin, ListenerOrigin, LoadAssignmentOrigin, RouteConfigurationOrigin, SecretOrigin } from './origins.js';

/** Each xDS type's message and origin. */
export interface ResourceTypes {
  readonly listeners: { readonly message: Listener; readonly origin: ListenerOrigin };
  readonly routeConfigurations: { readonly message: RouteConfiguration; readonly origin: RouteConfigurationOrigin };
  readonly clusters: { readonly message: Cluster; readonly origin: ClusterOrigin };
  /** Named by `clusterName`. */
  readonly loadAssignments: { readonly message: ClusterLoadAssignment; readonly origin: LoadAssignmentOrigin };
  readonly secrets: { readonly message: Secret; readonly origin: SecretOrigin };
}

export type ResourceType = keyof ResourceTypes;
/** A resource and its origin. */
export type Entry<T extends ResourceType> = ResourceTypes[T];
type Message<T extends ResourceType> = Entry<T>['message'];
type Origin<T extends ResourceType> = Entry<T>['origin'];
type EntryLists = { readonly [T in ResourceType]: readonly Entry<T>[] };

const nameOf = (message: Message<ResourceType>): string => ('clusterName' in message ? message.clusterName : message.name);

/** `entries` sorted by name, the first of each name kept (the same array when it already is so). */
function sortedUnique<E extends Entry<ResourceType>>(entries: readonly E[]): readonly E[] {
  let ordered = true;
  for (let i = 1; i < entries.length && ordered; i++) ordered = nameOf(entries[i - 1]!.message) < nameOf(entries[i]!.message);
  if (ordered) return entries;
  const byName = new Map<string, E>();
  for (const entry of entries) if (!byName.has(nameOf(entry.message))) byName.set(nameOf(entry.message), entry);
  return [...byName.entries()].sort(([a], [b]) => byString(a, b)).map(([, entry]) => entry);
}

export class ProxyResources {
  readonly #entries: EntryLists;
  readonly #messages: { [T in ResourceType]?: readonly Message<T>[] } = {};

  constructor(entries: Partial<EntryLists>) {
    this.#entries = {
      listeners: sortedUnique(entries.listeners ?? []),
      routeConfigurations: sortedUnique(entries.routeConfigurations ?? []),
      clusters: sortedUnique(entries.clusters ?? []),
      loadAssignments: sortedUnique(entries.loadAssignments ?? []),
      secrets: sortedUnique(entries.secrets ?? []),
    };
  }

  get listeners(): readonly Listener[] {
    return this.messages('listeners');
  }

  get routeConfigurations(): readonly RouteConfiguration[] {
    return this.messages('routeConfigurations');
  }

  get clusters(): readonly Cluster[] {
    return this.messages('clusters');
  }

  get loadAssignments(): readonly ClusterLoadAssignment[] {
    return this.messages('loadAssignments');
  }

  get secrets(): readonly Secret[] {
    return this.messages('secrets');
  }

  /** The messages of one type, sorted by name. */
  messages<T extends ResourceType>(type: T): readonly Message<T>[] {
    const known = this.#messages[type] as readonly Message<T>[] | undefined;
    if (known !== undefined) return known;
    const messages = this.entries(type).map((entry) => entry.message);
    (this.#messages as Record<T, readonly Message<T>[]>)[type] = messages;
    return messages;
  }

  /** The resources of one type with their origins, sorted by name. */
  entries<T extends ResourceType>(type: T): readonly Entry<T>[] {
    return this.#entries[type] as readonly Entry<T>[];
  }

  /**
   * Each resource of `type` replaced by what `edit` returns for it (the
   * message itself for no change), under the origin it had; this object
   * when nothing changed.
   */
  map<T extends ResourceType>(type: T, edit: (message: Message<T>, origin: Origin<T>) => Message<T>): ProxyResources {
    const entries = this.entries(type);
    let changed = false;
    const edited = entries.map((entry) => {
      const message = edit(entry.message, entry.origin);
      if (message === entry.message) return entry;
      changed = true;
      return { message, origin: entry.origin } as Entry<T>;
    });
    return changed ? this.with(type, edited) : this;
  }

  /** `added` besides the resources of `type`; a name already there keeps the resource it has. */
  add<T extends ResourceType>(type: T, added: Iterable<Entry<T>>): ProxyResources {
    const more = [...added];
    return more.length === 0 ? this : this.with(type, [...this.entries(type), ...more]);
  }

  /** The resources of `type` replaced by `entries` (sorted by name; the first of each name kept). */
  with<T extends ResourceType>(type: T, entries: readonly Entry<T>[]): ProxyResources {
    const lists: Record<ResourceType, readonly Entry<ResourceType>[]> = { ...this.#entries };
    lists[type] = entries;
    return new ProxyResources(lists as EntryLists);
  }
}

export class ResourceCollector {
  readonly #lists: { [T in ResourceType]: Map<string, Entry<T>> } = {
    listeners: new Map(),
    routeConfigurations: new Map(),
    clusters: new Map(),
    loadAssignments: new Map(),
    secrets: new Map(),
  };

  #add<T extends ResourceType>(type: T, message: Message<T>, origin: Origin<T>): void {
    const list = this.#lists[type] as Map<string, Entry<T>>;
    const name = nameOf(message);
    if (!list.has(name)) list.set(name, { message, origin } as Entry<T>);
  }

  listener(listener: Listener, origin: ListenerOrigin): void {
    this.#add('listeners', listener, origin);
  }

  routeConfiguration(route: RouteConfiguration, origin: RouteConfigurationOrigin): void {
    this.#add('routeConfigurations', route, origin);
  }

  cluster(cluster: Cluster, origin: ClusterOrigin): void {
    this.#add('clusters', cluster, origin);
  }

  loadAssignment(assignment: ClusterLoadAssignment, origin: LoadAssignmentOrigin): void {
    this.#add('loadAssignments', assignment, origin);
  }

  secret(secret: Secret, origin: SecretOrigin): void {
    this.#add('secrets', secret, origin);
  }

  resources(): ProxyResources {
    const sorted = <E extends Entry<ResourceType>>(list: Map<string, E>): E[] =>
      [...list.entries()].sort(([a], [b]) => byString(a, b)).map(([, entry]) => entry);
    return new ProxyResources({
      listeners: sorted(this.#lists.listeners),
      routeConfigurations: sorted(this.#lists.routeConfigurations),
      clusters: sorted(this.#lists.clusters),
      loadAssignments: sorted(this.#lists.loadAssignments),
      secrets: sorted(this.#lists.secrets),
    });
  }
}
