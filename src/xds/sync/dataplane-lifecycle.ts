/**
 * Dataplane lifecycle: what happens when a proxy's xDS streams open and close.
 *
 * - Direct mode: a proxy that carries its Dataplane in `node.metadata`
 *   (`dataplane.resource`) has it created or updated, through the resource
 *   manager and its validation, before any configuration is served, and this
 *   instance holds its registration lease. When its last stream here ends,
 *   the lease is released: whichever instance sweeps first removes the
 *   Dataplane after the removal delay, unless the proxy reconnected meanwhile,
 *   here or elsewhere (a reconnection writes a newer version, which the sweep
 *   does not match). An instance that dies stops heartbeating, and its leases
 *   lapse the same way (lease-keeper.ts).
 * - While the store is down, a proxy whose Dataplane the engine already knows
 *   is served the engine's last good state, and its registration is written
 *   once the store answers again; a proxy the engine does not know is refused
 *   (Unavailable: it retries).
 * - A proxy that has just started (its first request holds no configuration)
 *   is registered with its inbounds not ready (`health.ready: false`), so no
 *   caller is sent to it before it listens; once it accepts its listeners,
 *   its Dataplane is written as it carries it. A proxy that reconnects
 *   (already serving, e.g. after a control-plane restart) is registered as
 *   it carries it at once, so a reconnect never takes its endpoints away.
 * - Indirect mode: the Dataplane was created through the API; nothing is
 *   written or removed.
 * Either way the engine is told the proxy is connected (while it has a
 * stream) and with which flavour.
 */
import type { Logger } from 'pino';
import { invalidInput, isKogumaError } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import type { MeshEngine } from '../../mesh/index.js';
import { carriedDataplane, flavourOf, proxyFlavours } from '../index.js';
import type { NodeIdentity, StreamInfo } from '../server/index.js';
import type { LeaseKeeper } from './lease-keeper.js';

export interface DataplaneLifecycleOptions {
  readonly manager: ResourceManager;
  readonly engine: Pick<MeshEngine, 'connect' | 'disconnect' | 'knows'>;
  readonly leases: Pick<LeaseKeeper, 'hold' | 'release'>;
  readonly logger: Logger;
  /** How often a registration the store refused for an outage is tried again. */
  readonly registrationRetryMs?: number;
}

const hasInbounds = (document: unknown): boolean => {
  const inbound = (document as { networking?: { inbound?: unknown } } | null)?.networking?.inbound;
  return Array.isArray(inbound) && inbound.length > 0;
};

/** The document with every inbound marked not ready (a shallow copy down to the inbounds). */
function withInboundsNotReady(document: unknown): unknown {
  const dataplane = document as { networking: { inbound: Record<string, unknown>[] } };
  return {
    ...dataplane,
    networking: {
      ...dataplane.networking,
      inbound: dataplane.networking.inbound.map((inbound) => ({ ...inbound, health: { ready: false } })),
    },
  };
}

export class DataplaneLifecycle {
  private readonly openStreams = new Map<string, number>();
  /** The Dataplane version this instance last wrote, per self-registered proxy connected here. */
  private readonly registered = new Map<string, number>();
  /** Registrations waiting for the store, per proxy connected here. */
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  /** The Dataplane to write once a just-started proxy accepts its listeners, per stream. */
  private readonly startingUp = new Map<string, { readonly nodeId: string; readonly document: unknown }>();

  constructor(private readonly options: DataplaneLifecycleOptions) {}

  /** A stream opened. Refuses (throws KogumaError) a node with an unknown flavour or an invalid Dataplane. */
  async open(
    identity: NodeIdentity,
    stream: Pick<StreamInfo, 'streamId' | 'resumed' | 'certificatesOnly'>,
  ): Promise<void> {
    const flavour = flavourOf(identity.metadata);
    if (flavour === undefined)
      throw invalidInput([
        { field: 'node.metadata["koguma.io/proxy-flavour"]', reason: `must be one of: ${proxyFlavours.join(', ')}` },
      ]);
    const document = carriedDataplane(identity.metadata);
    if (document !== undefined) {
      // Only the proxy's own stream says when it listens; the agent's certificate stream never does.
      const startingUp = !stream.resumed && !stream.certificatesOnly && hasInbounds(document);
      await this.register(identity, startingUp ? withInboundsNotReady(document) : document);
      if (startingUp) this.startingUp.set(stream.streamId, { nodeId: identity.nodeId, document });
    }
    this.openStreams.set(identity.nodeId, (this.openStreams.get(identity.nodeId) ?? 0) + 1);
    await this.options.engine.connect({ mesh: identity.mesh, name: identity.name, flavour });
  }

  /** The stream's proxy accepted its listeners: a proxy that was starting up now takes traffic. */
  ready(identity: NodeIdentity, stream: Pick<StreamInfo, 'streamId'>): void {
    const document = this.startingUp.get(stream.streamId)?.document;
    if (document === undefined) return;
    this.startingUp.delete(stream.streamId);
    this.write(identity, document).catch((error: unknown) => {
      if (isKogumaError(error, 'Unavailable')) this.retryLater(identity, document);
      else
        this.options.logger.error({ err: error, nodeId: identity.nodeId }, 'cannot mark a proxy that started up ready');
    });
  }

  /**
   * The proxy's agent says it is stopping (it drains before it stops
   * listening): its inbounds are marked not ready now, so callers stop
   * choosing it while it still answers. Only a self-registered Dataplane;
   * one created through the API is the operator's.
   */
  async leaving(identity: NodeIdentity): Promise<void> {
    const document = carriedDataplane(identity.metadata);
    if (document === undefined || !hasInbounds(document)) return;
    for (const [streamId, starting] of this.startingUp)
      if (starting.nodeId === identity.nodeId) this.startingUp.delete(streamId);
    this.stopWaiting(identity.nodeId);
    await this.write(identity, withInboundsNotReady(document));
  }

  /** A stream closed. */
  close(identity: NodeIdentity, stream: Pick<StreamInfo, 'streamId'>): void {
    this.startingUp.delete(stream.streamId);
    const left = (this.openStreams.get(identity.nodeId) ?? 1) - 1;
    if (left > 0) {
      this.openStreams.set(identity.nodeId, left);
      return;
    }
    this.openStreams.delete(identity.nodeId);
    this.options.engine.disconnect(identity.nodeId);
    this.stopWaiting(identity.nodeId);
    const version = this.registered.get(identity.nodeId);
    if (version === undefined) return;
    this.registered.delete(identity.nodeId);
    void this.options.leases.release({ mesh: identity.mesh, name: identity.name }, version);
  }

  /** Stops retrying registrations; leases are released by the lease keeper's own stop. */
  stop(): void {
    for (const nodeId of [...this.waiting.keys()]) this.stopWaiting(nodeId);
  }

  private async register(identity: NodeIdentity, document: unknown): Promise<void> {
    try {
      await this.write(identity, document);
    } catch (error) {
      if (!isKogumaError(error, 'Unavailable') || !this.options.engine.knows(identity.mesh, identity.name)) throw error;
      this.options.logger.warn(
        { nodeId: identity.nodeId, reason: error.message },
        'the store is unavailable: serving this proxy its last good configuration; its registration is written once the store answers',
      );
      this.retryLater(identity, document);
    }
  }

  private async write(identity: NodeIdentity, document: unknown): Promise<void> {
    const { resource } = await this.options.manager.put(document, {
      kind: 'Dataplane',
      mesh: identity.mesh,
      name: identity.name,
    });
    this.registered.set(identity.nodeId, resource.version);
    // Before the proxy is served: a proxy this instance serves always has its lease, should the instance die.
    await this.options.leases.hold({ mesh: identity.mesh, name: identity.name }, resource.version);
  }

  private retryLater(identity: NodeIdentity, document: unknown): void {
    this.stopWaiting(identity.nodeId);
    const timer = setTimeout(() => {
      this.waiting.delete(identity.nodeId);
      if (!this.openStreams.has(identity.nodeId)) return;
      this.write(identity, document).then(
        () => this.options.logger.info({ nodeId: identity.nodeId }, 'wrote the registration that waited for the store'),
        (error: unknown) => {
          if (isKogumaError(error, 'Unavailable')) this.retryLater(identity, document);
          else
            this.options.logger.error(
              { err: error, nodeId: identity.nodeId },
              'cannot write the registration that waited for the store',
            );
        },
      );
    }, this.options.registrationRetryMs ?? 1000);
    timer.unref();
    this.waiting.set(identity.nodeId, timer);
  }

  private stopWaiting(nodeId: string): void {
    const timer = this.waiting.get(nodeId);
    if (timer !== undefined) clearTimeout(timer);
    this.waiting.delete(nodeId);
  }
}
