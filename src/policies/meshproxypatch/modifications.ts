/**
 * One modification applied to a proxy's resources, per kind of resource:
 *
 *   cluster, listener   Add (replaces one of the same name) | Remove | Patch, on the resources matched
 *   virtualHost         the same, inside route configurations: RDS ones and those inline in an HCM
 *   networkFilter       AddFirst | AddLast | AddBefore | AddAfter | Remove | Patch, in every filter chain
 *   httpFilter          the same, in every HttpConnectionManager
 *
 * A match field left out matches anything. A match that selects nothing
 * changes nothing (Kuma does the same). A value or patch that does not fit
 * throws ModificationError (envoy-value.ts).
 */
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { ClusterSchema } from '../../xds/envoy/gen/envoy/config/cluster/v3/cluster_pb.js';
import { FilterSchema, type Filter } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { ListenerSchema, type Listener } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_pb.js';
import { VirtualHostSchema } from '../../xds/envoy/gen/envoy/config/route/v3/route_components_pb.js';
import type { RouteConfiguration } from '../../xds/envoy/gen/envoy/config/route/v3/route_pb.js';
import {
  HttpFilterSchema,
  type HttpFilter,
} from '../../xds/envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { byString } from '../../xds/generate/index.js';
import {
  type ClusterOrigin,
  type Entry,
  type ListenerOrigin,
  MODIFICATION,
  type ProxyResources,
} from '../../xds/generate/index.js';
import { patchedOnce, valueOf, type EnvoyPatch } from './envoy-value.js';
import { clusterOriginOf, hasTags, listenerFacts, ROUTE_CONFIGURATION_ORIGIN, type Origin } from './facts.js';
import { editHttpConnectionManagers, editNetworkFilters } from './listener-edits.js';
import type { JsonPatchBlock, Modification } from './schema.js';

type Named = { readonly name: string };

/** What every modification shares. */
interface Operation {
  readonly operation: string;
  readonly value?: string;
  readonly jsonPatches?: readonly JsonPatchBlock[];
}

const patchOf = (mod: Operation): EnvoyPatch =>
  mod.value !== undefined ? { value: mod.value } : { jsonPatches: mod.jsonPatches ?? [] };
const sortedByName = <T extends Named>(items: readonly T[]): T[] => [...items].sort((a, b) => byString(a.name, b.name));
const originMatches = (wanted: string | undefined, origin: Origin | undefined): boolean =>
  wanted === undefined || wanted === origin;

/** Add, Remove or Patch on a list of named messages (virtual hosts); `selected` says which the match picks. */
function modifyNamed<D extends DescMessage>(
  schema: D,
  items: readonly (MessageShape<D> & Named)[],
  mod: Operation,
  selected: (item: MessageShape<D> & Named) => boolean,
): (MessageShape<D> & Named)[] {
  switch (mod.operation) {
    case 'Add': {
      const added = valueOf(schema, mod, mod.value ?? '') as MessageShape<D> & Named;
      return sortedByName([...items.filter((item) => item.name !== added.name), added]);
    }
    case 'Remove':
      return items.filter((item) => !selected(item));
    case 'Patch':
      return sortedByName(
        items.map((item) =>
          selected(item) ? (patchedOnce(schema, item, mod, patchOf(mod)) as MessageShape<D> & Named) : item,
        ),
      );
    default:
      return [...items];
  }
}

/**
 * Add, Remove or Patch on the resources of one type; `selected` says which
 * the match picks. An added resource takes the place, and the origin, of one
 * of the same name; a new name has the origin `modification`.
 */
function modifyResources<T extends 'listeners' | 'clusters'>(
  schema: DescMessage,
  type: T,
  resources: ProxyResources,
  mod: Operation,
  selected: (message: Entry<T>['message'], origin: Entry<T>['origin']) => boolean,
): ProxyResources {
  const entries = resources.entries(type);
  switch (mod.operation) {
    case 'Add': {
      const added = valueOf(schema, mod, mod.value ?? '') as Entry<T>['message'];
      const replaced = entries.find((entry) => entry.message.name === added.name);
      const origin = replaced?.origin ?? MODIFICATION;
      return resources.with(type, [
        ...entries.filter((entry) => entry !== replaced),
        { message: added, origin } as Entry<T>,
      ]);
    }
    case 'Remove':
      return resources.with(
        type,
        entries.filter(({ message, origin }) => !selected(message, origin)),
      );
    case 'Patch':
      return resources.map(type, (message, origin) =>
        selected(message, origin) ? (patchedOnce(schema, message, mod, patchOf(mod)) as Entry<T>['message']) : message,
      );
    default:
      return resources;
  }
}

/** A filter list with a filter-chain operation applied; undefined when nothing changes. */
function modifyFilters<D extends DescMessage>(
  schema: D,
  filters: readonly (MessageShape<D> & Named)[],
  mod: Operation & { readonly match?: { readonly name?: string } },
): (MessageShape<D> & Named)[] | undefined {
  const name = mod.match?.name;
  const selected = (filter: Named) => name === undefined || filter.name === name;
  const at = filters.findIndex(selected);
  const insert = (index: number) => {
    const added = valueOf(schema, mod, mod.value ?? '') as MessageShape<D> & Named;
    return [...filters.slice(0, index), added, ...filters.slice(index)];
  };
  switch (mod.operation) {
    case 'AddFirst':
      return insert(0);
    case 'AddLast':
      return insert(filters.length);
    case 'AddBefore':
      return at === -1 ? undefined : insert(at);
    case 'AddAfter':
      return at === -1 ? undefined : insert(at + 1);
    case 'Remove':
      return filters.some(selected) ? filters.filter((filter) => !selected(filter)) : undefined;
    case 'Patch':
      return filters.some(selected)
        ? filters.map((filter) =>
            selected(filter) ? (patchedOnce(schema, filter, mod, patchOf(mod)) as MessageShape<D> & Named) : filter,
          )
        : undefined;
    default:
      return undefined;
  }
}

type ListenerMatch = {
  readonly name?: string | undefined;
  readonly origin?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
};

function listenerSelected(match: ListenerMatch | undefined): (listener: Listener, origin: ListenerOrigin) => boolean {
  return (listener, origin) => {
    const about = listenerFacts(listener, origin);
    return (
      (match?.name === undefined || listener.name === match.name) &&
      originMatches(match?.origin, about.origin) &&
      hasTags(about, match?.tags)
    );
  };
}

/** Each listener the match picks, edited; the rest as they were. */
const editListeners = (
  resources: ProxyResources,
  selected: (listener: Listener, origin: ListenerOrigin) => boolean,
  edit: (listener: Listener) => Listener,
): ProxyResources =>
  resources.map('listeners', (listener, origin) => (selected(listener, origin) ? edit(listener) : listener));

function modifyVirtualHosts(resources: ProxyResources, mod: NonNullable<Modification['virtualHost']>): ProxyResources {
  const match = mod.match;
  const routeSelected = (route: RouteConfiguration, origin: Origin | undefined) =>
    (match?.routeConfigurationName === undefined || route.name === match.routeConfigurationName) &&
    originMatches(match?.origin, origin);
  const hostSelected = (host: Named) => match?.name === undefined || host.name === match.name;
  const edited = (route: RouteConfiguration): RouteConfiguration => ({
    ...route,
    virtualHosts: modifyNamed(VirtualHostSchema, route.virtualHosts, mod, hostSelected),
  });
  const withRds = resources.map('routeConfigurations', (route) =>
    routeSelected(route, ROUTE_CONFIGURATION_ORIGIN) ? edited(route) : route,
  );
  return withRds.map('listeners', (listener, origin) =>
    editHttpConnectionManagers(listener, (hcm) => {
      const specifier = hcm.routeSpecifier;
      if (specifier.case !== 'routeConfig' || !routeSelected(specifier.value, listenerFacts(listener, origin).origin))
        return undefined;
      return { ...hcm, routeSpecifier: { case: 'routeConfig', value: edited(specifier.value) } };
    }),
  );
}

/** `resources` with one modification applied. */
export function applyModification(resources: ProxyResources, modification: Modification): ProxyResources {
  const { cluster, listener, networkFilter, httpFilter, virtualHost } = modification;
  if (cluster) {
    const selected = (c: Named, origin: ClusterOrigin) =>
      (cluster.match?.name === undefined || c.name === cluster.match.name) &&
      originMatches(cluster.match?.origin, clusterOriginOf(origin));
    return modifyResources(ClusterSchema, 'clusters', resources, cluster, selected);
  }
  if (listener)
    return modifyResources(ListenerSchema, 'listeners', resources, listener, listenerSelected(listener.match));
  if (networkFilter) {
    const match = networkFilter.match;
    const selected = listenerSelected({ name: match?.listenerName, origin: match?.origin, tags: match?.listenerTags });
    return editListeners(resources, selected, (l) =>
      editNetworkFilters(l, (filters) =>
        modifyFilters<typeof FilterSchema>(FilterSchema, filters as (Filter & Named)[], networkFilter),
      ),
    );
  }
  if (httpFilter) {
    const match = httpFilter.match;
    const selected = listenerSelected({ name: match?.listenerName, origin: match?.origin, tags: match?.listenerTags });
    return editListeners(resources, selected, (l) =>
      editHttpConnectionManagers(l, (hcm) => {
        const httpFilters = modifyFilters(HttpFilterSchema, hcm.httpFilters as (HttpFilter & Named)[], httpFilter);
        return httpFilters && { ...hcm, httpFilters };
      }),
    );
  }
  if (virtualHost) return modifyVirtualHosts(resources, virtualHost);
  return resources;
}
