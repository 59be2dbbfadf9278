/**
 * Registration leases for the memory store: the same rules as the SQL leases
 * (sql/sql-leases.ts), kept in the store's own process. Several "instances"
 * (distinct ids) may share one memory store, which is how tests play a crash.
 */
import { isKogumaError, type Resource } from '../api/index.js';
import { openSubscriptionInstances } from './left-open.js';
import type { InstanceAbout, InstanceRecord, LeaseKey, LeftOpenSubscription, RegistrationLeases } from './types.js';

interface Lease {
  readonly instanceId: string;
  readonly version: number;
  /** ms since epoch when released; undefined while held. */
  releasedAt: number | undefined;
}

/** What every instance's leases share: one per memory store. */
export interface MemoryLeaseBoard {
  readonly leases: Map<string, Lease>;
  /** Instance id → its last heartbeat, ms since epoch. */
  readonly heartbeats: Map<string, number>;
  /** Lapsed instance id → the heartbeat after which nothing of it was left open. */
  readonly closed: Map<string, number>;
  /** Instance id → its first heartbeat (ms since epoch) and what it last said of itself. */
  readonly about: Map<string, { readonly startedAt: number; readonly about: InstanceAbout }>;
}

export const createLeaseBoard = (): MemoryLeaseBoard => ({
  leases: new Map(),
  heartbeats: new Map(),
  closed: new Map(),
  about: new Map(),
});

const slotOf = (key: LeaseKey): string => `${key.mesh}\u0000${key.name}`;

export interface MemoryLeaseOptions {
  readonly board: MemoryLeaseBoard;
  readonly instanceId: string;
  /** Deletes the Dataplane if it is still at `version`; Conflict or NotFound otherwise. */
  readonly deleteDataplane: (key: LeaseKey, version: number) => Promise<void>;
  /** The stored DataplaneInsight records, ordered by mesh and name. */
  readonly insights: () => readonly Resource[];
  /** What this instance says of itself with each heartbeat. */
  readonly about?: () => InstanceAbout;
  readonly now?: () => number;
}

export function memoryLeases({
  board,
  instanceId,
  deleteDataplane,
  insights,
  about,
  now = Date.now,
}: MemoryLeaseOptions): RegistrationLeases {
  const beat = (at: number): void => {
    const known = board.heartbeats.has(instanceId) ? board.about.get(instanceId) : undefined;
    board.heartbeats.set(instanceId, at);
    board.about.set(instanceId, { startedAt: known?.startedAt ?? at, about: about?.() ?? {} });
  };
  const releaseWhere = (matches: (lease: Lease) => boolean): void => {
    const at = now();
    for (const lease of board.leases.values())
      if (lease.releasedAt === undefined && matches(lease)) lease.releasedAt = at;
  };
  return {
    async hold(key, version) {
      board.leases.set(slotOf(key), { instanceId, version, releasedAt: undefined });
      beat(board.heartbeats.get(instanceId) ?? now());
    },
    async release(key, version) {
      const lease = board.leases.get(slotOf(key));
      if (lease && lease.instanceId === instanceId && lease.version === version) releaseWhere((l) => l === lease);
    },
    async releaseAll() {
      releaseWhere((lease) => lease.instanceId === instanceId);
      board.heartbeats.delete(instanceId);
      board.about.delete(instanceId);
    },
    async heartbeat() {
      beat(now());
    },
    async instances() {
      return [...board.heartbeats]
        .map(([id, heartbeat]): InstanceRecord => {
          const known = board.about.get(id);
          return {
            id,
            ...known?.about,
            startTime: new Date(known?.startedAt ?? heartbeat),
            lastHeartbeat: new Date(heartbeat),
          };
        })
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    async sweep(removalDelayMs, instanceTtlMs) {
      const at = now();
      const removed: LeaseKey[] = [];
      for (const [slot, lease] of [...board.leases]) {
        const heartbeat = board.heartbeats.get(lease.instanceId);
        const gone =
          lease.releasedAt !== undefined
            ? lease.releasedAt < at - removalDelayMs
            : heartbeat === undefined || heartbeat < at - Math.max(removalDelayMs, instanceTtlMs);
        if (!gone) continue;
        board.leases.delete(slot);
        const [mesh = '', name = ''] = slot.split('\u0000');
        try {
          await deleteDataplane({ mesh, name }, lease.version);
          removed.push({ mesh, name });
        } catch (error) {
          // Written again since (Conflict) or already gone (NotFound): not ours to remove.
          if (!isKogumaError(error, 'Conflict') && !isKogumaError(error, 'NotFound')) throw error;
        }
      }
      return removed;
    },
    async leftOpen({ of, instanceTtlMs, limit }) {
      const gone = new Map<string, number | undefined>();
      if (of === 'own') gone.set(instanceId, board.heartbeats.get(instanceId));
      else
        for (const [id, heartbeat] of board.heartbeats)
          if (id !== instanceId && heartbeat < now() - instanceTtlMs && board.closed.get(id) !== heartbeat)
            gone.set(id, heartbeat);
      if (gone.size === 0) return [];
      const found: LeftOpenSubscription[] = [];
      for (const record of insights()) {
        for (const id of openSubscriptionInstances(record.spec)) {
          if (!gone.has(id) || found.length >= limit) continue;
          const lastSeen = gone.get(id);
          found.push({
            mesh: record.mesh,
            name: record.name,
            instanceId: id,
            ...(lastSeen === undefined ? {} : { lastSeen: new Date(lastSeen) }),
          });
        }
      }
      if (of === 'lapsed' && found.length < limit)
        for (const [id, heartbeat] of gone)
          if (heartbeat !== undefined && !found.some((f) => f.instanceId === id)) board.closed.set(id, heartbeat);
      return found;
    },
  };
}
