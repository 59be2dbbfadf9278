/**
 * A store that can be made unavailable on demand, for tests of what the rest
 * of the control plane does during a database outage: while down, every call
 * that would reach the database fails with Unavailable, as the SQL store's do.
 */
import { KogumaError } from '../api/errors.js';
import type { ResourceStore, StoreHealth } from './types.js';

export interface OutageSwitch {
  readonly store: ResourceStore;
  down(): void;
  up(): void;
}

export function outageSwitch(inner: ResourceStore): OutageSwitch {
  let since: Date | undefined;
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      since === undefined
        ? call(...args)
        : Promise.reject(new KogumaError('Unavailable', `${inner.description} is unavailable: test outage`));
  const store: ResourceStore = {
    description: inner.description,
    get: guard((key) => inner.get(key)),
    list: guard((query) => inner.list(query)),
    create: guard((draft) => inner.create(draft)),
    createAll: guard((drafts) => inner.createAll(drafts)),
    update: guard((draft, version) => inner.update(draft, version)),
    delete: guard((key, version) => inner.delete(key, version)),
    writeRecords: guard((kind, keys, merge) => inner.writeRecords(kind, keys, merge)),
    watch: (listener) => inner.watch(listener),
    head: guard(() => inner.head()),
    delivered: (seq) => inner.delivered(seq),
    health: (): StoreHealth =>
      since === undefined ? inner.health() : { available: false, since, reason: 'test outage' },
    leases: (instanceId, about) => {
      const leases = inner.leases(instanceId, about);
      return {
        hold: guard((key, version) => leases.hold(key, version)),
        release: guard((key, version) => leases.release(key, version)),
        releaseAll: guard(() => leases.releaseAll()),
        heartbeat: guard(() => leases.heartbeat()),
        sweep: guard((delay, ttl) => leases.sweep(delay, ttl)),
        leftOpen: guard((query) => leases.leftOpen(query)),
        instances: guard(() => leases.instances()),
      };
    },
    clusterId: guard(() => inner.clusterId()),
    close: () => inner.close(),
  };
  return {
    store,
    down: () => {
      since ??= new Date();
    },
    up: () => {
      since = undefined;
    },
  };
}
