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
import type {
  ClusterOrigin,
  ListenerOrigin,
  LoadAssignmentOrigin,
  RouteConfigurationOrigin,
  SecretOrigin,
} from './origins.js';

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

/** A resource's name: a load assignment is named by its cluster. */
const nameOf = (type: ResourceType, message: Message<ResourceType>): string =>
  type === 'loadAssignments'
    ? (message as ClusterLoadAssignment).clusterName
    : (message as Exclude<Message<ResourceType>, ClusterLoadAssignment>).name;

/** `entries` sorted by name, the first of each name kept (the same array when it already is so). */
function sortedUnique<E extends Entry<ResourceType>>(type: ResourceType, entries: readonly E[]): readonly E[] {
  let ordered = true;
  for (let i = 1; i < entries.length && ordered; i++)
    ordered = nameOf(type, entries[i - 1]!.message) < nameOf(type, entries[i]!.message);
  if (ordered) return entries;
  const byName = new Map<string, E>();
  for (const entry of entries) {
    const name = nameOf(type, entry.message);
    if (!byName.has(name)) byName.set(name, entry);
  }
  return sortedValues(byName);
}

const sortedValues = <E>(byName: ReadonlyMap<string, E>): E[] =>
  [...byName.entries()].sort(([a], [b]) => byString(a, b)).map(([, entry]) => entry);

/** Passed with lists already sorted and unique (the collector's, or this class's own). */
const NORMALIZED = Symbol('normalized');

export class ProxyResources {
  readonly #entries: EntryLists;
  readonly #messages: { [T in ResourceType]?: readonly Message<T>[] } = {};

  constructor(entries: Partial<EntryLists>, normalized?: typeof NORMALIZED) {
    const normal = <T extends ResourceType>(type: T): readonly Entry<T>[] => {
      const list = (entries[type] ?? []) as readonly Entry<T>[];
      return normalized === NORMALIZED ? list : sortedUnique(type, list);
    };
    this.#entries = {
      listeners: normal('listeners'),
      routeConfigurations: normal('routeConfigurations'),
      clusters: normal('clusters'),
      loadAssignments: normal('loadAssignments'),
      secrets: normal('secrets'),
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
    let renamed = false;
    const edited = entries.map((entry) => {
      const message = edit(entry.message, entry.origin);
      if (message === entry.message) return entry;
      changed = true;
      renamed ||= nameOf(type, message) !== nameOf(type, entry.message);
      return { message, origin: entry.origin } as Entry<T>;
    });
    if (!changed) return this;
    // Edited copies under their old names keep the list sorted and unique.
    return renamed ? this.with(type, edited) : this.#replaced(type, edited);
  }

  /** `added` besides the resources of `type`; a name already there keeps the resource it has. */
  add<T extends ResourceType>(type: T, added: Iterable<Entry<T>>): ProxyResources {
    const more = [...added];
    return more.length === 0 ? this : this.with(type, [...this.entries(type), ...more]);
  }

  /** The resources of `type` replaced by `entries` (sorted by name; the first of each name kept). */
  with<T extends ResourceType>(type: T, entries: readonly Entry<T>[]): ProxyResources {
    return this.#replaced(type, sortedUnique(type, entries));
  }

  #replaced<T extends ResourceType>(type: T, normalized: readonly Entry<T>[]): ProxyResources {
    const lists: Record<ResourceType, readonly Entry<ResourceType>[]> = { ...this.#entries };
    lists[type] = normalized;
    return new ProxyResources(lists as EntryLists, NORMALIZED);
  }
}

export class ResourceCollector {
  readonly #listeners = new Map<string, Entry<'listeners'>>();
  readonly #routes = new Map<string, Entry<'routeConfigurations'>>();
  readonly #clusters = new Map<string, Entry<'clusters'>>();
  readonly #loadAssignments = new Map<string, Entry<'loadAssignments'>>();
  readonly #secrets = new Map<string, Entry<'secrets'>>();

  listener(message: Listener, origin: ListenerOrigin): void {
    if (!this.#listeners.has(message.name)) this.#listeners.set(message.name, { message, origin });
  }

  routeConfiguration(message: RouteConfiguration, origin: RouteConfigurationOrigin): void {
    if (!this.#routes.has(message.name)) this.#routes.set(message.name, { message, origin });
  }

  cluster(message: Cluster, origin: ClusterOrigin): void {
    if (!this.#clusters.has(message.name)) this.#clusters.set(message.name, { message, origin });
  }

  loadAssignment(message: ClusterLoadAssignment, origin: LoadAssignmentOrigin): void {
    if (!this.#loadAssignments.has(message.clusterName))
      this.#loadAssignments.set(message.clusterName, { message, origin });
  }

  secret(message: Secret, origin: SecretOrigin): void {
    if (!this.#secrets.has(message.name)) this.#secrets.set(message.name, { message, origin });
  }

  resources(): ProxyResources {
    return new ProxyResources(
      {
        listeners: sortedValues(this.#listeners),
        routeConfigurations: sortedValues(this.#routes),
        clusters: sortedValues(this.#clusters),
        loadAssignments: sortedValues(this.#loadAssignments),
        secrets: sortedValues(this.#secrets),
      },
      NORMALIZED,
    );
  }
}
