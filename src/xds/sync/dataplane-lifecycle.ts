/**
 * Dataplane lifecycle: what happens when a proxy's xDS streams open and close.
 *
 * - Direct mode: a proxy that carries its Dataplane in `node.metadata`
 *   (`dataplane.resource`) has it created or updated, through the resource
 *   manager and its validation, before any configuration is served. When its
 *   last stream on this instance ends, the Dataplane is removed after
 *   `removalDelayMs`, unless it reconnected meanwhile, here or to another
 *   instance: the removal names the version this instance wrote, and a
 *   reconnection anywhere writes a newer one, so a stale removal is refused by
 *   the store's concurrency check.
 * - Indirect mode: the Dataplane was created through the API; nothing is
 *   written or removed.
 * Either way the engine is told the proxy is connected (while it has a
 * stream) and with which flavour.
 */
import type { Logger } from 'pino';
import { readJson } from '../../api/bounded-parse.js';
import { invalidInput, isKogumaError } from '../../api/errors.js';
import { INPUT_LIMITS, shapeParameter } from '../../api/input-limits.js';
import type { ResourceManager } from '../../manager/index.js';
import type { MeshEngine } from '../../mesh/index.js';
import { DATAPLANE_RESOURCE_METADATA, flavourOf, proxyFlavours } from '../node-metadata.js';
import type { NodeIdentity } from '../server/index.js';

export interface DataplaneLifecycleOptions {
  readonly manager: ResourceManager;
  readonly engine: Pick<MeshEngine, 'connect' | 'disconnect'>;
  readonly removalDelayMs: number;
  readonly logger: Logger;
}

interface Registration {
  /** The version this instance last wrote. */
  version: number;
  removal?: NodeJS.Timeout;
}

/**
 * The Dataplane document a node carries, parsed within the input limits
 * (api/input-limits.ts: size, depth, NUL); undefined in indirect mode.
 * Throws InvalidInput naming the metadata field.
 */
export function carriedDataplane(identity: NodeIdentity): unknown {
  const raw = identity.metadata[DATAPLANE_RESOURCE_METADATA];
  if (raw === undefined || raw === '') return undefined;
  const field = `node.metadata["${DATAPLANE_RESOURCE_METADATA}"]`;
  if (typeof raw !== 'string') {
    const issue = shapeParameter(raw, field);
    if (issue !== undefined) throw invalidInput([issue]);
    return raw;
  }
  const read = readJson(raw, field, { maxBytes: INPUT_LIMITS.maxCarriedDataplaneBytes });
  if (!read.ok) throw invalidInput([read.issue]);
  return read.value;
}

export class DataplaneLifecycle {
  private readonly openStreams = new Map<string, number>();
  private readonly registrations = new Map<string, Registration>();

  constructor(private readonly options: DataplaneLifecycleOptions) {}

  /** A stream opened. Refuses (throws KogumaError) a node with an unknown flavour or an invalid Dataplane. */
  async open(identity: NodeIdentity): Promise<void> {
    const flavour = flavourOf(identity.metadata);
    if (flavour === undefined)
      throw invalidInput([{ field: 'node.metadata["koguma.io/proxy-flavour"]', reason: `must be one of: ${proxyFlavours.join(', ')}` }]);
    const document = carriedDataplane(identity);
    if (document !== undefined) {
      const { resource } = await this.options.manager.put(document, { kind: 'Dataplane', mesh: identity.mesh, name: identity.name });
      const registration = this.registrations.get(identity.nodeId);
      if (registration?.removal) clearTimeout(registration.removal);
      this.registrations.set(identity.nodeId, { version: resource.version });
    }
    this.openStreams.set(identity.nodeId, (this.openStreams.get(identity.nodeId) ?? 0) + 1);
    this.options.engine.connect({ mesh: identity.mesh, name: identity.name, flavour });
  }

  /** A stream closed. */
  close(identity: NodeIdentity): void {
    const left = (this.openStreams.get(identity.nodeId) ?? 1) - 1;
    if (left > 0) {
      this.openStreams.set(identity.nodeId, left);
      return;
    }
    this.openStreams.delete(identity.nodeId);
    this.options.engine.disconnect(identity.nodeId);
    const registration = this.registrations.get(identity.nodeId);
    if (registration) {
      registration.removal = setTimeout(() => void this.remove(identity), this.options.removalDelayMs);
      registration.removal.unref();
    }
  }

  /** Stops pending removals: a control plane shutting down must not delete its proxies' Dataplanes. */
  stop(): void {
    for (const registration of this.registrations.values()) if (registration.removal) clearTimeout(registration.removal);
    this.registrations.clear();
  }

  private async remove(identity: NodeIdentity): Promise<void> {
    const registration = this.registrations.get(identity.nodeId);
    if (!registration || this.openStreams.has(identity.nodeId)) return;
    this.registrations.delete(identity.nodeId);
    try {
      await this.options.manager.store.delete({ kind: 'Dataplane', mesh: identity.mesh, name: identity.name }, registration.version);
      this.options.logger.info({ nodeId: identity.nodeId }, 'removed the dataplane of a proxy that went away');
    } catch (error) {
      // Conflict: it reconnected (here or elsewhere) and was written again. NotFound: already gone.
      if (isKogumaError(error, 'Conflict') || isKogumaError(error, 'NotFound')) return;
      this.options.logger.error({ err: error, nodeId: identity.nodeId }, 'failed to remove a departed dataplane');
    }
  }
}
