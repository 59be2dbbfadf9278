/**
 * The in-memory ResourceStore: tests, `--store memory`, and the reference the
 * SQL store is checked against by the contract suite.
 *
 * Every resource is copied on the way in and on the way out, so no caller can
 * change stored state by mutating an object it passed or received. Changes are
 * announced on a microtask after they are made, never synchronously inside the
 * write call, so listeners see the same ordering they would with a database
 * (the write resolves; events follow). The change log is a counter: a memory
 * store never loses a listener's place, and is always available.
 */
import { randomUUID } from 'node:crypto';
import type { Resource, ResourceDraft, ResourceKey } from '../api/index.js';
import { alreadyExists, missing, staleVersion } from './errors.js';
import { createListenerSet } from './listeners.js';
import { silentLogger, type StoreLogger } from './logger.js';
import { createLeaseBoard, memoryLeases } from './memory-leases.js';
import { ownedKindsOf, ownerKindFor } from './owned-records.js';
import type { ChangeEvent, ListPage, ListQuery, ResourceStore, SpecCondition, TagIndexer } from './types.js';

export interface MemoryStoreOptions {
  readonly indexTags?: TagIndexer;
  readonly logger?: StoreLogger;
}

interface Entry {
  readonly resource: Resource;
  /** The kind's tag index of this resource, for `ListQuery.tags`. */
  readonly tags: ReadonlySet<string>;
}

/** Key of an entry inside its kind's map; NUL cannot occur in names. */
const slotOf = (key: ResourceKey): string => `${key.mesh}\u0000${key.name}`;

/** Name, then mesh: the order every store lists in (byte order, like SQL `collate "C"`). */
function byNameThenMesh(a: Resource, b: Resource): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.mesh !== b.mesh) return a.mesh < b.mesh ? -1 : 1;
  return 0;
}

function matches(entry: Entry, query: ListQuery): boolean {
  const { resource } = entry;
  if (query.mesh !== undefined && resource.mesh !== query.mesh) return false;
  if (query.nameContains !== undefined && !resource.name.includes(query.nameContains)) return false;
  if (query.names !== undefined && !query.names.includes(resource.name)) return false;
  for (const [key, value] of Object.entries(query.labels ?? {})) {
    if (resource.labels[key] !== value) return false;
  }
  if (!(query.tags ?? []).every((tag) => entry.tags.has(tag))) return false;
  for (const { key, contains } of query.tagsContaining ?? []) {
    const prefix = `${key}=`;
    if (![...entry.tags].some((tag) => tag.startsWith(prefix) && tag.slice(prefix.length).includes(contains)))
      return false;
  }
  return (query.spec ?? []).every((condition) => specHolds(resource.spec, condition));
}

/** The value at `path` as SQL's `#>` finds it: undefined where an object key is missing. */
function valueAt(spec: unknown, path: readonly string[]): unknown {
  let value = spec;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** SQL's `#>>`: a string as it is, anything else as its JSON; null and missing are nothing. */
const textAt = (spec: unknown, path: readonly string[]): string | undefined => {
  const value = valueAt(spec, path);
  return value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
};

function specHolds(spec: unknown, condition: SpecCondition): boolean {
  if ('present' in condition) return (textAt(spec, condition.path) !== undefined) === condition.present;
  if ('equals' in condition) return textAt(spec, condition.path) === condition.equals;
  return textAt(spec, condition.path) !== condition.notEquals;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): ResourceStore {
  const indexTags = options.indexTags ?? (() => []);
  const listeners = createListenerSet(options.logger ?? silentLogger);
  const kinds = new Map<string, Map<string, Entry>>();
  const clusterId = randomUUID();
  const leaseBoard = createLeaseBoard();
  /** The last change-log position assigned, and the last delivered to listeners. */
  let written = 0;
  let delivered = 0;
  const deliveryWaiters = new Set<{ readonly seq: number; readonly resolve: () => void }>();

  const kindMap = (kind: string): Map<string, Entry> => {
    let map = kinds.get(kind);
    if (!map) {
      map = new Map();
      kinds.set(kind, map);
    }
    return map;
  };
  const find = (key: ResourceKey): Entry | undefined => kinds.get(key.kind)?.get(slotOf(key));

  /** Delivers a write's events after the write call has returned. */
  const announce = (events: readonly ChangeEvent[]): void => {
    if (events.length === 0) return;
    queueMicrotask(() => {
      for (const event of events) {
        listeners.emit(event);
        delivered = event.seq;
      }
      for (const waiter of deliveryWaiters) {
        if (waiter.seq > delivered) continue;
        deliveryWaiters.delete(waiter);
        waiter.resolve();
      }
    });
  };

  const entryOf = (draft: ResourceDraft, version: number, creationTime: Date, now: Date): Entry => {
    const resource: Resource = structuredClone({
      kind: draft.kind,
      mesh: draft.mesh,
      name: draft.name,
      labels: draft.labels,
      spec: draft.spec,
      ...(draft.status !== undefined ? { status: draft.status } : {}),
      version,
      creationTime,
      modificationTime: now,
    });
    return { resource, tags: new Set(indexTags(draft.kind, draft.spec)) };
  };

  const eventOf = (resource: Resource, op: ChangeEvent['op']): ChangeEvent => ({
    kind: resource.kind,
    mesh: resource.mesh,
    name: resource.name,
    op,
    version: resource.version,
    seq: ++written,
  });

  /** Checks `expectedVersion` (when given) against the stored entry; throws what the contract says. */
  const storedEntry = (key: ResourceKey, expectedVersion?: number): Entry => {
    const entry = find(key);
    if (!entry) throw missing(key);
    if (expectedVersion !== undefined && entry.resource.version !== expectedVersion) {
      throw staleVersion(key, entry.resource.version, expectedVersion);
    }
    return entry;
  };

  const createAll = (drafts: readonly ResourceDraft[]): Resource[] => {
    // Check every draft (against the store and against each other) before the
    // first write, which is what makes the batch all or nothing.
    const seen = new Set<string>();
    for (const draft of drafts) {
      const id = `${draft.kind}\u0000${slotOf(draft)}`;
      if (seen.has(id) || find(draft)) throw alreadyExists(draft);
      seen.add(id);
    }
    const now = new Date();
    const entries = drafts.map((draft) => entryOf(draft, 1, now, now));
    for (const entry of entries) kindMap(entry.resource.kind).set(slotOf(entry.resource), entry);
    announce(entries.map((entry) => eventOf(entry.resource, 'created')));
    return entries.map((entry) => structuredClone(entry.resource));
  };

  const store: ResourceStore = {
    description: 'memory',

    async get(key) {
      const entry = find(key);
      return entry ? structuredClone(entry.resource) : undefined;
    },

    async list(query) {
      const found = [...(kinds.get(query.kind)?.values() ?? [])]
        .filter((entry) => matches(entry, query))
        .map((entry) => entry.resource)
        .sort(byNameThenMesh);
      return {
        total: found.length,
        items: found.slice(query.offset, query.offset + query.limit).map((r) => structuredClone(r)),
      } satisfies ListPage;
    },

    async create(draft) {
      const [created] = createAll([draft]);
      return created!;
    },

    async createAll(drafts) {
      return createAll(drafts);
    },

    async update(draft, expectedVersion) {
      const { resource: stored } = storedEntry(draft, expectedVersion);
      const entry = entryOf(draft, stored.version + 1, stored.creationTime, new Date());
      kindMap(draft.kind).set(slotOf(draft), entry);
      announce([eventOf(entry.resource, 'updated')]);
      return structuredClone(entry.resource);
    },

    async delete(key, expectedVersion) {
      const { resource } = storedEntry(key, expectedVersion);
      kinds.get(key.kind)?.delete(slotOf(key));
      const events = [eventOf(resource, 'deleted')];
      for (const owned of ownedKindsOf(key.kind)) {
        const record = kinds.get(owned)?.get(slotOf(key));
        if (!record) continue;
        kinds.get(owned)?.delete(slotOf(key));
        events.push(eventOf(record.resource, 'deleted'));
      }
      if (key.kind === 'Mesh') {
        // The cascade: every resource of every kind inside the deleted mesh.
        for (const map of kinds.values()) {
          for (const [slot, entry] of map) {
            if (entry.resource.mesh !== key.name) continue;
            map.delete(slot);
            events.push(eventOf(entry.resource, 'deleted'));
          }
        }
      }
      announce(events);
    },

    async writeRecords(kind, keys, merge) {
      const ownerKind = ownerKindFor(kind);
      const events: ChangeEvent[] = [];
      const done = new Set<string>();
      const now = new Date();
      for (const key of keys) {
        const slot = slotOf({ kind, mesh: key.mesh, name: key.name });
        if (done.has(slot) || !find({ kind: ownerKind, mesh: key.mesh, name: key.name })) continue;
        done.add(slot);
        const stored = kinds.get(kind)?.get(slot)?.resource;
        const content = merge(stored && structuredClone(stored), { mesh: key.mesh, name: key.name });
        if (!content) continue;
        const draft: ResourceDraft = {
          kind,
          mesh: key.mesh,
          name: key.name,
          labels: content.labels ?? {},
          spec: content.spec,
        };
        const entry = entryOf(draft, (stored?.version ?? 0) + 1, stored?.creationTime ?? now, now);
        kindMap(kind).set(slot, entry);
        events.push(eventOf(entry.resource, stored ? 'updated' : 'created'));
      }
      announce(events);
      return events.length;
    },

    watch(listener) {
      return listeners.add(listener);
    },

    async head() {
      return written;
    },

    delivered(seq) {
      if (seq <= delivered) return Promise.resolve();
      return new Promise((resolve) => deliveryWaiters.add({ seq, resolve }));
    },

    health: () => ({ available: true }),

    leases: (instanceId, about) =>
      memoryLeases({
        board: leaseBoard,
        instanceId,
        ...(about === undefined ? {} : { about }),
        deleteDataplane: (key, version) => store.delete({ kind: 'Dataplane', ...key }, version),
        insights: () =>
          [...(kinds.get('DataplaneInsight')?.values() ?? [])]
            .map((entry) => entry.resource)
            .sort((a, b) => (a.mesh === b.mesh ? (a.name < b.name ? -1 : 1) : a.mesh < b.mesh ? -1 : 1)),
      }),

    async clusterId() {
      return clusterId;
    },

    async close() {
      listeners.clear();
      for (const waiter of deliveryWaiters) waiter.resolve();
      deliveryWaiters.clear();
    },
  };
  return store;
}
