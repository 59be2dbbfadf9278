/**
 * The insights of every mesh, kept in memory by each instance from the
 * store's change feed, so every instance answers alike for proxies connected
 * anywhere in the cluster:
 *
 *   store change feed ─► names per kind and mesh (created: add, deleted: remove)
 *                     └► Dataplane / DataplaneInsight ─► dirty set ─► read both ─► MeshAggregate.replace
 *
 * A change costs the read of what changed (the insight, or the Dataplane)
 * and the update of one Dataplane's share of its mesh's statistics: never a
 * rescan. A burst (a thousand proxies acknowledging a new configuration)
 * collapses in the dirty set and is read a batch at a time, one query per
 * kind and mesh of the batch. Everything applied is idempotent (sets of names, re-read
 * records), so the events that arrive while the initial load runs are simply
 * applied after it. A `resync` (changes missed) loads everything again.
 * Each insight record read is compared with the one it replaces, and what
 * changed for its proxy (connected, disconnected, ACK, NACK: proxy-changes.ts)
 * goes to the `onProxyChange` listeners.
 * A mesh's deletion drops its state at once; the cascade's events that follow
 * then find nothing to update, so a half-deleted mesh cannot fail a read.
 */
import { isKogumaError, type Resource } from '../api/index.js';
import { listAll, type ResourceStore, type StoreEvent } from '../store/index.js';
import { dataplaneFacts, type DataplaneFacts } from './dataplane-facts.js';
import type { DataplaneInsightSpec } from './dataplane-insight.js';
import { MeshAggregate } from './mesh-aggregate.js';
import { proxyChanges, type ProxyChange } from './proxy-changes.js';

export interface InsightIndexOptions {
  readonly store: Pick<ResourceStore, 'watch' | 'get' | 'list'>;
  /** Every kind to count (the registry's); Dataplane and the insight kinds are followed whatever it says. */
  readonly kinds: readonly string[];
  readonly logger?: { warn(details: object, message: string): void };
  /** Records read at once while catching up with a burst. */
  readonly batch?: number;
  readonly now?: () => Date;
}

export interface MeshState {
  readonly aggregate: MeshAggregate;
  readonly creationTime: Date;
  modificationTime: Date;
  /** Names per kind in this mesh. */
  readonly names: Map<string, Set<string>>;
  /** ServiceInsight records stored in this mesh (Kuma's per-mesh aggregate, as imported from a Kuma store). */
  readonly storedServiceInsights: Map<string, Resource>;
}

interface Tracked {
  /** The Dataplane's spec, kept so that an insight change needs no read of it. */
  dataplane: unknown;
  facts: DataplaneFacts | undefined;
  insight: Resource | undefined;
}

interface Dirty {
  readonly mesh: string;
  readonly name: string;
  dataplane: boolean;
  insight: boolean;
}

const FOLLOWED = ['Dataplane', 'DataplaneInsight', 'ServiceInsight'];
const slotOf = (mesh: string, name: string): string => `${mesh}\u0000${name}`;

export class InsightIndex {
  private readonly meshes = new Map<string, MeshState>();
  private readonly globalNames = new Map<string, Set<string>>();
  private readonly tracked = new Map<string, Tracked>();
  private readonly dirty = new Map<string, Dirty>();
  private readonly counted: ReadonlySet<string>;
  private readonly waiters: (() => void)[] = [];
  private queue: StoreEvent[] | undefined = [];
  private work: Promise<void> = Promise.resolve();
  private busy = false;
  private stopWatching: (() => void) | undefined;
  private stopped = false;
  private drainPending = false;
  private readonly proxyListeners = new Set<(change: ProxyChange) => void>();

  constructor(private readonly options: InsightIndexOptions) {
    this.counted = new Set([...options.kinds, ...FOLLOWED]);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Listens first, then loads: nothing committed in between is missed. */
  async start(): Promise<void> {
    this.stopWatching = this.options.store.watch((event) => this.onEvent(event));
    await this.load();
    const queued = this.queue ?? [];
    this.queue = undefined;
    for (const event of queued) this.onEvent(event);
  }

  stop(): void {
    this.stopped = true;
    this.stopWatching?.();
  }

  /** Resolves once every change heard so far is applied. */
  settled(): Promise<void> {
    if (!this.busy && this.dirty.size === 0 && this.queue === undefined) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  meshNames(): string[] {
    return [...this.meshes.keys()].sort();
  }

  mesh(name: string): MeshState | undefined {
    return this.meshes.get(name);
  }

  /** The stored insight of a Dataplane (by any instance), when it has one. */
  insightOf(mesh: string, name: string): Resource | undefined {
    return this.tracked.get(slotOf(mesh, name))?.insight;
  }

  /** Every stored DataplaneInsight record known, whichever instance wrote it. */
  *insightRecords(): IterableIterator<Resource> {
    for (const entry of this.tracked.values()) if (entry.insight !== undefined) yield entry.insight;
  }

  /** Tells `listener` what changes for each proxy from now on; returns the function that stops it. */
  onProxyChange(listener: (change: ProxyChange) => void): () => void {
    this.proxyListeners.add(listener);
    return () => this.proxyListeners.delete(listener);
  }

  /** How many resources of each kind are stored outside meshes. */
  globalCounts(): Map<string, number> {
    return new Map([...this.globalNames].map(([kind, names]) => [kind, names.size]));
  }

  private onEvent(event: StoreEvent): void {
    if (this.stopped) return;
    if (this.queue) {
      this.queue.push(event);
      return;
    }
    if (event.op === 'resync') {
      this.schedule(() => this.load());
      return;
    }
    if (event.kind === 'Mesh') {
      // At once, not after a read: the events of what is created in it follow right behind.
      if (event.op === 'deleted') this.dropMesh(event.name);
      else if (!this.meshes.has(event.name)) this.addMesh(event.name, this.now());
      return;
    }
    this.count(event.kind, event.mesh, event.name, event.op !== 'deleted');
    if (event.kind === 'ServiceInsight') this.schedule(() => this.loadServiceInsight(event.mesh, event.name));
    else if (event.kind === 'Dataplane' || event.kind === 'DataplaneInsight') {
      const slot = slotOf(event.mesh, event.name);
      let dirty = this.dirty.get(slot);
      if (!dirty)
        this.dirty.set(slot, (dirty = { mesh: event.mesh, name: event.name, dataplane: false, insight: false }));
      if (event.kind === 'Dataplane') dirty.dataplane = true;
      else dirty.insight = true;
      if (!this.drainPending) {
        this.drainPending = true;
        this.schedule(() => this.drain());
      }
    }
  }

  private count(kind: string, mesh: string, name: string, present: boolean): void {
    if (!this.counted.has(kind)) return;
    const byKind = mesh === '' ? this.globalNames : this.meshes.get(mesh)?.names;
    if (!byKind) return;
    let names = byKind.get(kind);
    if (!names) byKind.set(kind, (names = new Set()));
    if (present) names.add(name);
    else names.delete(name);
    const state = this.meshes.get(mesh);
    if (state) state.modificationTime = this.now();
  }

  /** Runs `step` after the work before it; a failure is logged and the index goes on. */
  private schedule(step: () => Promise<void>): void {
    this.busy = true;
    const current: Promise<void> = (this.work = this.work
      .then(() => (this.stopped ? undefined : step()))
      .catch((error: unknown) => {
        // An outage: what was not applied is read again once the store answers (a resync follows it).
        if (!isKogumaError(error, 'Unavailable'))
          this.options.logger?.warn({ err: error }, 'insights: cannot apply a change');
      })
      .finally(() => {
        if (this.work !== current) return;
        this.busy = false;
        if (this.dirty.size === 0) for (const resolve of this.waiters.splice(0)) resolve();
      }));
  }

  private async load(): Promise<void> {
    const { store } = this.options;
    this.meshes.clear();
    this.globalNames.clear();
    this.tracked.clear();
    for await (const mesh of listAll(store, { kind: 'Mesh' })) this.addMesh(mesh.name, mesh.creationTime);
    for (const kind of this.counted) {
      for await (const resource of listAll(store, { kind })) {
        this.count(kind, resource.mesh, resource.name, true);
        if (kind === 'DataplaneInsight') this.trackedOf(resource.mesh, resource.name).insight = resource;
        if (kind === 'Dataplane') this.trackedOf(resource.mesh, resource.name).dataplane = resource.spec;
        if (kind === 'ServiceInsight')
          this.meshes.get(resource.mesh)?.storedServiceInsights.set(resource.name, resource);
      }
    }
    for (const slot of [...this.tracked.keys()]) {
      const [mesh = '', name = ''] = slot.split('\u0000');
      this.update(mesh, name);
    }
  }

  private addMesh(name: string, creationTime: Date): void {
    this.meshes.set(name, {
      aggregate: new MeshAggregate(),
      creationTime,
      modificationTime: creationTime,
      names: new Map(),
      storedServiceInsights: new Map(),
    });
  }

  private dropMesh(name: string): void {
    this.meshes.delete(name);
    for (const slot of this.tracked.keys()) if (slot.startsWith(`${name}\u0000`)) this.tracked.delete(slot);
  }

  private async loadServiceInsight(mesh: string, name: string): Promise<void> {
    const resource = await this.options.store.get({ kind: 'ServiceInsight', mesh, name });
    const stored = this.meshes.get(mesh)?.storedServiceInsights;
    if (resource) stored?.set(name, resource);
    else stored?.delete(name);
  }

  /** Reads what changed of the dirty Dataplanes, a batch at a time, until none is left. */
  private async drain(): Promise<void> {
    this.drainPending = false;
    const size = this.options.batch ?? 500;
    while (this.dirty.size > 0 && !this.stopped) {
      const batch = [...this.dirty.values()].slice(0, size);
      for (const key of batch) this.dirty.delete(slotOf(key.mesh, key.name));
      const byMesh = new Map<string, Dirty[]>();
      for (const key of batch) byMesh.set(key.mesh, [...(byMesh.get(key.mesh) ?? []), key]);
      for (const [mesh, keys] of byMesh) {
        const [dataplanes, insights] = await Promise.all([
          this.read(
            'Dataplane',
            mesh,
            keys.filter((key) => key.dataplane),
          ),
          this.read(
            'DataplaneInsight',
            mesh,
            keys.filter((key) => key.insight),
          ),
        ]);
        for (const key of keys) {
          const entry = this.trackedOf(mesh, key.name);
          if (key.insight) {
            const before = entry.insight;
            entry.insight = insights.get(key.name);
            this.announce(mesh, key.name, before, entry.insight);
          }
          if (key.dataplane) entry.dataplane = dataplanes.get(key.name)?.spec;
          this.update(mesh, key.name);
        }
      }
    }
  }

  private announce(mesh: string, name: string, before: Resource | undefined, after: Resource | undefined): void {
    if (this.proxyListeners.size === 0) return;
    const spec = (record: Resource | undefined) => record?.spec as DataplaneInsightSpec | undefined;
    for (const change of proxyChanges(mesh, name, spec(before), spec(after)))
      for (const listener of this.proxyListeners) {
        try {
          listener(change);
        } catch (error) {
          this.options.logger?.warn({ err: error }, 'insights: a proxy-change listener failed');
        }
      }
  }

  /** The named resources of one kind in one mesh that exist, in one query. */
  private async read(kind: string, mesh: string, keys: readonly Dirty[]): Promise<Map<string, Resource>> {
    if (keys.length === 0) return new Map();
    const page = await this.options.store.list({
      kind,
      mesh,
      names: keys.map((key) => key.name),
      offset: 0,
      limit: keys.length,
    });
    return new Map(page.items.map((resource) => [resource.name, resource]));
  }

  private trackedOf(mesh: string, name: string): Tracked {
    let entry = this.tracked.get(slotOf(mesh, name));
    if (!entry)
      this.tracked.set(slotOf(mesh, name), (entry = { dataplane: undefined, facts: undefined, insight: undefined }));
    return entry;
  }

  /** Replaces one Dataplane's share of its mesh's statistics. */
  private update(mesh: string, name: string): void {
    const state = this.meshes.get(mesh);
    const entry = this.trackedOf(mesh, name);
    if (!state) {
      this.tracked.delete(slotOf(mesh, name));
      return;
    }
    const { dataplane } = entry;
    const facts =
      dataplane === undefined
        ? undefined
        : dataplaneFacts(dataplane, entry.insight?.spec as DataplaneInsightSpec | undefined);
    const now = this.now();
    state.aggregate.replace(entry.facts, facts, now);
    state.modificationTime = now;
    entry.facts = facts;
    if (!dataplane && !entry.insight) this.tracked.delete(slotOf(mesh, name));
  }
}
