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
 * keeps answering API requests and stream messages during a mesh-wide change. Events are applied in order, one at a time, each by reading
 * the resource's current state, so a burst of updates converges on the last.
 */
import type { Logger } from 'pino';
import type { DataplaneSpec } from '../api/index.js';
import type { ChangeEvent, ResourceStore } from '../store/index.js';
import type { ProxyContext, ProxyFlavour } from '../xds/generate/proxy-context.js';
import { policyKinds } from '../policies/index.js';
import { dataplaneModel } from './dataplane-model.js';
import { MeshView } from './mesh-view.js';

export interface ConnectedProxy {
  readonly mesh: string;
  readonly name: string;
  readonly flavour: ProxyFlavour;
}

/** Where new proxy contexts go; `undefined` when the proxy's Dataplane does not exist (any more). */
export interface ProxySink {
  update(nodeId: string, context: ProxyContext | undefined): void;
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
  readonly meshListener?: MeshListener;
}

export const nodeIdOf = (mesh: string, name: string): string => `${mesh}.${name}`;

const LIST_PAGE = 1000;

/** The policy kinds the mesh view indexes and matches to proxies. */
const POLICY_KINDS: ReadonlySet<string> = new Set(policyKinds.map((kind) => kind.name));
const MESH_SERVICE = 'MeshService';

/** How long one slice of a batch may build before the event loop gets a turn. */
const BUILD_SLICE_MS = 5;

export class MeshEngine {
  private readonly views = new Map<string, MeshView>();
  private readonly connected = new Map<string, ConnectedProxy>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Set while a batch is being built slice by slice; new changes join that batch. */
  private draining: NodeJS.Immediate | undefined;
  private queue: Promise<void> = Promise.resolve();
  private stopWatching: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly options: EngineOptions) {}

  /** Loads every dataplane, then follows changes. Events during the load are applied after it. */
  async start(): Promise<void> {
    const pending: ChangeEvent[] = [];
    let loading = true;
    this.stopWatching = this.options.store.watch((event) => {
      if (loading) pending.push(event);
      else this.enqueue(event);
    });
    if (this.options.meshListener) {
      for (let offset = 0; ; offset += LIST_PAGE) {
        const page = await this.options.store.list({ kind: 'Mesh', offset, limit: LIST_PAGE });
        for (const mesh of page.items) await this.options.meshListener.meshChanged(mesh.name, true, mesh.spec);
        if (offset + LIST_PAGE >= page.total) break;
      }
    }
    for (let offset = 0; ; offset += LIST_PAGE) {
      const page = await this.options.store.list({ kind: 'Dataplane', offset, limit: LIST_PAGE });
      for (const resource of page.items) {
        this.viewOf(resource.mesh).upsert(dataplaneModel(resource.mesh, resource.name, resource.spec as DataplaneSpec, resource.labels));
      }
      if (offset + LIST_PAGE >= page.total) break;
    }
    for (let offset = 0; ; offset += LIST_PAGE) {
      const page = await this.options.store.list({ kind: MESH_SERVICE, offset, limit: LIST_PAGE });
      for (const resource of page.items) this.viewOf(resource.mesh).upsertMeshService(resource.name, resource.labels);
      if (offset + LIST_PAGE >= page.total) break;
    }
    for (const kind of POLICY_KINDS) {
      for (let offset = 0; ; offset += LIST_PAGE) {
        const page = await this.options.store.list({ kind, offset, limit: LIST_PAGE });
        for (const resource of page.items) this.viewOf(resource.mesh).upsertPolicy(resource);
        if (offset + LIST_PAGE >= page.total) break;
      }
    }
    loading = false;
    for (const event of pending) this.enqueue(event);
    this.options.logger.info({ meshes: this.views.size, dataplanes: [...this.views.values()].reduce((n, v) => n + v.size, 0) }, 'mesh engine started');
  }

  /** A proxy opened its first stream: build its configuration (within the debounce window). */
  connect(proxy: ConnectedProxy): void {
    const nodeId = nodeIdOf(proxy.mesh, proxy.name);
    this.connected.set(nodeId, proxy);
    this.markDirty([nodeId]);
  }

  /** A proxy's last stream ended: stop building for it. */
  disconnect(nodeId: string): void {
    this.connected.delete(nodeId);
    this.dirty.delete(nodeId);
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
   */
  contextOf(mesh: string, name: string): ProxyContext | undefined {
    const flavour = this.connected.get(nodeIdOf(mesh, name))?.flavour ?? 'envoy';
    return this.views.get(mesh)?.context(name, flavour);
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

  private enqueue(event: ChangeEvent): void {
    this.queue = this.queue
      .then(() => this.apply(event))
      .catch((error: unknown) => this.options.logger.error({ err: error, event }, 'failed to apply a change; will apply the next'));
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
      default: {
        if (POLICY_KINDS.has(event.kind)) {
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
    for (const nodeId of nodeIds) if (this.connected.has(nodeId)) this.dirty.add(nodeId);
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
      this.build(nodeId);
      if (performance.now() >= deadline) break;
    }
    if (this.dirty.size > 0) this.draining = setImmediate(() => this.flush());
  }

  private build(nodeId: string): void {
    const proxy = this.connected.get(nodeId);
    if (!proxy) return;
    const context = this.views.get(proxy.mesh)?.context(proxy.name, proxy.flavour);
    try {
      this.options.sink.update(nodeId, context);
    } catch (error) {
      // One proxy's failure must not stop the others' updates; its last good config stays.
      this.options.logger.error({ err: error, nodeId }, 'failed to build proxy configuration');
    }
  }
}
