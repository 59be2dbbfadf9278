/**
 * The engine: keeps one MeshView per mesh current from store change events and
 * tells the xDS side which connected proxies need new configuration.
 *
 *   store events ──► (serialised) read the resource ──► MeshView.upsert/remove
 *                                                          │ affected proxies
 *                           dirty set ──(debounce, ms)──► sink.update(nodeId, context)
 *
 * Nothing polls: a change marks exactly the proxies it can affect, bursts
 * within the debounce window are built once, and only connected proxies are
 * built at all. A large batch is built in slices of a few milliseconds, each
 * published as soon as it is built, so the first proxies are being written to
 * (and their ACKs read) while the rest are still building, and the process
 * keeps answering API requests and stream messages during a mesh-wide change.
 * Events are applied in order, one at a time, each by reading the resource's
 * current state, so a burst of updates converges on the last.
 *
 * A proxy that connects is built only once the engine has applied every change
 * the store had committed at that moment (`connect` waits for the store's
 * change-log head), so a reconnecting proxy never gets a config older than
 * what was committed. While the store cannot be read, the proxy gets the
 * engine's last good state. When the store's change log cannot replay what
 * this instance missed (`resync`), everything is loaded again.
 */
import type { Logger } from 'pino';
import type { DataplaneSpec, Resource } from '../api/index.js';
import { isKogumaError } from '../api/index.js';
import { listAll, type ChangeEvent, type ResourceStore, type StoreEvent } from '../store/index.js';
import type { ProxyContext, ProxyFlavour } from '../xds/generate/index.js';
import { dataplaneModel } from './dataplane-model.js';
import { MeshView } from './mesh-view.js';

export interface ConnectedProxy {
  readonly mesh: string;
  readonly name: string;
  readonly flavour: ProxyFlavour;
}

/** Where new proxy contexts go; `undefined` when the proxy's Dataplane does not exist (any more). */
export interface ProxySink {
  /**
   * `changedAt` (ms since the epoch): when the engine learnt of the earliest
   * change this build contains, none for a proxy's first build on connecting.
   */
  update(nodeId: string, context: ProxyContext | undefined, changedAt?: number): void;
  /** The proxy's last stream ended: nothing more will be built for it until it connects again. */
  disconnected?(nodeId: string): void;
}

/** Told about every Mesh (at start, then on each change) before the mesh's proxies are rebuilt. */
export interface MeshListener {
  meshChanged(mesh: string, exists: boolean, spec: Readonly<Record<string, unknown>> | undefined): Promise<void>;
}

export interface EngineOptions {
  readonly store: ResourceStore;
  readonly sink: ProxySink;
  /** How long changes are collected before proxies are rebuilt. */
  readonly debounceMs: number;
  readonly logger: Logger;
  /** The policy kinds to index and match to proxies (cp/catalogue.ts `policyKindNames`). */
  readonly policyKinds: readonly string[];
  readonly meshListener?: MeshListener;
  /** Longest a connecting proxy waits for the engine to catch up with the store before it gets the last good state. */
  readonly catchUpTimeoutMs?: number;
}

export const nodeIdOf = (mesh: string, name: string): string => `${mesh}.${name}`;

const DEFAULT_CATCH_UP_TIMEOUT_MS = 5000;

const MESH_SERVICE = 'MeshService';
const MESH_GATEWAY = 'MeshGateway';

/** How long one slice of a batch may build before the event loop gets a turn. */
const BUILD_SLICE_MS = 5;

export class MeshEngine {
  private readonly views = new Map<string, MeshView>();
  private readonly connected = new Map<string, ConnectedProxy>();
  private readonly dirty = new Set<string>();
  /** Per dirty proxy, when the earliest change not yet built for it arrived (the control plane's change-to-ACK time). */
  private readonly dirtySince = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** Set while a batch is being built slice by slice; new changes join that batch. */
  private draining: NodeJS.Immediate | undefined;
  private queue: Promise<void> = Promise.resolve();
  private stopWatching: (() => void) | undefined;
  private stopped = false;

  /** The policy kinds the mesh views index and match to proxies. */
  private readonly policyKinds: ReadonlySet<string>;

  constructor(private readonly options: EngineOptions) {
    this.policyKinds = new Set(options.policyKinds);
  }

  /** Loads every dataplane, then follows changes. Events during the load are applied after it. */
  async start(): Promise<void> {
    const pending: StoreEvent[] = [];
    let loading = true;
    this.stopWatching = this.options.store.watch((event) => {
      if (loading) pending.push(event);
      else this.enqueue(event);
    });
    await this.loadEverything();
    loading = false;
    for (const event of pending) this.enqueue(event);
    this.options.logger.info(
      { meshes: this.views.size, dataplanes: [...this.views.values()].reduce((n, v) => n + v.size, 0) },
      'mesh engine started',
    );
  }

  /** Replaces every view with what the store holds now; tells the mesh listener about meshes added and gone. */
  private async loadEverything(): Promise<void> {
    const views = new Map<string, MeshView>();
    const viewIn = (mesh: string): MeshView => {
      let view = views.get(mesh);
      if (!view) views.set(mesh, (view = new MeshView(mesh)));
      return view;
    };
    const { store } = this.options;
    const meshes = new Map<string, Resource>();
    for await (const mesh of listAll(store, { kind: 'Mesh' })) meshes.set(mesh.name, mesh);
    for await (const resource of listAll(store, { kind: 'Dataplane' })) {
      viewIn(resource.mesh).upsert(
        dataplaneModel(resource.mesh, resource.name, resource.spec as DataplaneSpec, resource.labels),
      );
    }
    for await (const resource of listAll(store, { kind: MESH_SERVICE }))
      viewIn(resource.mesh).upsertMeshService(resource.name, resource.labels);
    for await (const resource of listAll(store, { kind: MESH_GATEWAY }))
      viewIn(resource.mesh).upsertMeshGateway(resource.name, resource);
    for (const kind of this.policyKinds) {
      for await (const resource of listAll(store, { kind })) viewIn(resource.mesh).upsertPolicy(resource);
    }
    const listener = this.options.meshListener;
    if (listener) {
      for (const mesh of meshes.values()) await listener.meshChanged(mesh.name, true, mesh.spec);
      for (const mesh of this.views.keys()) if (!meshes.has(mesh)) await listener.meshChanged(mesh, false, undefined);
    }
    this.views.clear();
    for (const [mesh, view] of views) this.views.set(mesh, view);
  }

  /**
   * A proxy opened a stream: once every change committed so far is applied,
   * its configuration is built and published (before this resolves, unless
   * it cannot be built yet, e.g. while its certificate is issued).
   */
  async connect(proxy: ConnectedProxy): Promise<void> {
    const nodeId = nodeIdOf(proxy.mesh, proxy.name);
    this.connected.set(nodeId, proxy);
    await this.caughtUp();
    if (this.stopped || this.connected.get(nodeId) !== proxy) return;
    this.dirty.delete(nodeId);
    this.dirtySince.delete(nodeId);
    this.build(nodeId);
  }

  /** Whether the engine knows this Dataplane (from the store, possibly while the store is down). */
  knows(mesh: string, name: string): boolean {
    return this.views.get(mesh)?.has(name) ?? false;
  }

  /**
   * Resolves once every change the store had committed when called has been
   * applied; at once (with the last good state) when the store cannot say,
   * and after `catchUpTimeoutMs` at most.
   */
  async caughtUp(): Promise<void> {
    const timeoutMs = this.options.catchUpTimeoutMs ?? DEFAULT_CATCH_UP_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const applied = (async () => {
      const head = await this.options.store.head();
      await this.options.store.delivered(head);
      // Delivered events are queued synchronously; the queue now holds them all.
      await this.queue;
      return 'applied' as const;
    })();
    try {
      const outcome = await Promise.race([applied, timedOut]);
      if (outcome === 'timeout')
        this.options.logger.warn({ timeoutMs }, 'the store did not catch up in time; serving the last good state');
    } catch (error) {
      if (!isKogumaError(error, 'Unavailable')) throw error;
      this.options.logger.debug({ err: error }, 'the store is unavailable; serving the last good state');
    } finally {
      clearTimeout(timer);
    }
  }

  /** A proxy's last stream ended: stop building for it. */
  disconnect(nodeId: string): void {
    this.connected.delete(nodeId);
    this.dirty.delete(nodeId);
    this.dirtySince.delete(nodeId);
    this.options.sink.disconnected?.(nodeId);
  }

  /** Rebuilds these proxies (if connected): something outside the store changed for them, e.g. a certificate. */
  refresh(nodeIds: Iterable<string>): void {
    this.markDirty(nodeIds);
  }

  /** Rebuilds every connected proxy of the mesh. */
  refreshMesh(mesh: string): void {
    this.markDirty(this.connectedIn(mesh));
  }

  // Read-only access for inspection (REST `_rules` and `_resources/dataplanes`).

  /**
   * The generator input the engine would build for a Dataplane now, with the
   * policies that select it: in the flavour it connected with, or Envoy's
   * when it is not connected here. Undefined for a Dataplane the engine does not know.
   * `includeShadow`: shadow policies select it too (what they would change).
   */
  contextOf(mesh: string, name: string, includeShadow = false): ProxyContext | undefined {
    const flavour = this.connected.get(nodeIdOf(mesh, name))?.flavour ?? 'envoy';
    return this.views.get(mesh)?.context(name, flavour, includeShadow);
  }

  /** The generator input of a builtin gateway the named MeshGateway would serve (its `_rules`); undefined when unknown. */
  gatewayContextOf(mesh: string, name: string): ProxyContext | undefined {
    return this.views.get(mesh)?.gatewayContext(name, 'envoy');
  }

  /** The names of the mesh's Dataplanes, sorted. */
  dataplanesOf(mesh: string): string[] {
    return (this.views.get(mesh)?.names() ?? []).sort();
  }

  /** Resolves when every event received so far has been applied (tests, shutdown). */
  async settled(): Promise<void> {
    await this.queue;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopWatching?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.draining) clearImmediate(this.draining);
    await this.queue;
  }

  private enqueue(event: StoreEvent): void {
    this.queue = this.queue
      .then(() => this.whileUnavailable(() => (event.op === 'resync' ? this.resync() : this.apply(event))))
      .catch((error: unknown) =>
        this.options.logger.error({ err: error, event }, 'failed to apply a change; will apply the next'),
      );
  }

  /**
   * Runs `step` again while the store cannot be read: a change is never
   * dropped for an outage, and the changes after it wait (order matters).
   */
  private async whileUnavailable(step: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await step();
      } catch (error) {
        if (this.stopped || !isKogumaError(error, 'Unavailable')) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 1000)));
      }
    }
  }

  /** Changes were missed: load everything again and rebuild every connected proxy. */
  private async resync(): Promise<void> {
    if (this.stopped) return;
    await this.loadEverything();
    this.markDirty(this.connected.keys());
  }

  private async apply(event: ChangeEvent): Promise<void> {
    if (this.stopped) return;
    switch (event.kind) {
      case 'Dataplane': {
        const resource = await this.options.store.get(event);
        const view = this.viewOf(event.mesh);
        const affected = resource
          ? view.upsert(dataplaneModel(resource.mesh, resource.name, resource.spec as DataplaneSpec, resource.labels))
          : view.remove(event.name);
        this.markDirty([...affected].map((name) => nodeIdOf(event.mesh, name)));
        return;
      }
      case 'Mesh': {
        const mesh = event.name;
        if (this.options.meshListener) {
          const resource = await this.options.store.get(event);
          await this.options.meshListener.meshChanged(mesh, resource !== undefined, resource?.spec);
        }
        this.markDirty(this.connectedIn(mesh));
        if (event.op === 'deleted') this.views.delete(mesh);
        return;
      }
      case MESH_SERVICE: {
        // Its labels are what policies may name it by: the proxies that call or implement it.
        const resource = await this.options.store.get(event);
        const affected = this.viewOf(event.mesh).upsertMeshService(event.name, resource?.labels);
        this.markDirty([...affected].map((name) => nodeIdOf(event.mesh, name)));
        return;
      }
      case MESH_GATEWAY: {
        // Which MeshGateway serves a builtin gateway decides the policies that select it.
        const resource = await this.options.store.get(event);
        const affected = this.viewOf(event.mesh).upsertMeshGateway(event.name, resource);
        this.markDirty([...affected].map((name) => nodeIdOf(event.mesh, name)));
        return;
      }
      default: {
        if (this.policyKinds.has(event.kind)) {
          // A policy changes the proxies its old or new version selects, no others.
          const resource = await this.options.store.get(event);
          const view = this.viewOf(event.mesh);
          const affected = resource ? view.upsertPolicy(resource) : view.removePolicy(event.kind, event.name);
          this.markDirty([...affected].map((name) => nodeIdOf(event.mesh, name)));
          return;
        }
        // Other mesh-scoped kinds may change any proxy of their mesh.
        this.markDirty(this.connectedIn(event.mesh));
      }
    }
  }

  private connectedIn(mesh: string): string[] {
    return [...this.connected.entries()].filter(([, proxy]) => proxy.mesh === mesh).map(([nodeId]) => nodeId);
  }

  private viewOf(mesh: string): MeshView {
    let view = this.views.get(mesh);
    if (!view) {
      view = new MeshView(mesh);
      this.views.set(mesh, view);
    }
    return view;
  }

  private markDirty(nodeIds: Iterable<string>): void {
    const now = Date.now();
    for (const nodeId of nodeIds) {
      if (!this.connected.has(nodeId)) continue;
      this.dirty.add(nodeId);
      if (!this.dirtySince.has(nodeId)) this.dirtySince.set(nodeId, now);
    }
    if (this.dirty.size > 0 && !this.timer && !this.draining && !this.stopped) {
      this.timer = setTimeout(() => this.flush(), this.options.debounceMs);
    }
  }

  /** Builds dirty proxies for one slice; schedules the next slice while any remain. */
  private flush(): void {
    this.timer = undefined;
    this.draining = undefined;
    if (this.stopped) return;
    const deadline = performance.now() + BUILD_SLICE_MS;
    for (const nodeId of this.dirty) {
      this.dirty.delete(nodeId);
      const changedAt = this.dirtySince.get(nodeId);
      this.dirtySince.delete(nodeId);
      this.build(nodeId, changedAt);
      if (performance.now() >= deadline) break;
    }
    if (this.dirty.size > 0) this.draining = setImmediate(() => this.flush());
  }

  private build(nodeId: string, changedAt?: number): void {
    const proxy = this.connected.get(nodeId);
    if (!proxy) return;
    const context = this.views.get(proxy.mesh)?.context(proxy.name, proxy.flavour);
    try {
      this.options.sink.update(nodeId, context, changedAt);
    } catch (error) {
      // One proxy's failure must not stop the others' updates; its last good config stays.
      this.options.logger.error({ err: error, nodeId }, 'failed to build proxy configuration');
    }
  }
}
