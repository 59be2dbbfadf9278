/**
 * `GET /_instances`: the control-plane instances sharing the store, from
 * their heartbeats (the registration leases' instance records), each with how
 * many proxies it holds a stream of (the insight records' open subscriptions):
 *
 *   {total, items: [{id, hostname?, apiUrl?, xdsUrl?, startTime, lastHeartbeat, alive, self, proxies}]}
 *
 * `alive`: its last heartbeat is younger than the instance TTL (--instance-ttl),
 * the rule by which the others take over its proxies. An instance that stopped
 * cleanly withdrew its heartbeat and is not listed.
 */
import type { FastifyInstance } from 'fastify';
import type { InstanceRecord } from '../../store/index.js';

export interface InstancesSource {
  list(): Promise<readonly InstanceRecord[]>;
  /** Proxies with an open stream, by instance id. */
  proxiesByInstance(): ReadonlyMap<string, number>;
  readonly instanceTtlMs: number;
  /** This instance's id. */
  readonly self: string;
  readonly now?: () => number;
}

export function registerInstanceRoutes(app: FastifyInstance, source: InstancesSource): void {
  app.get('/_instances', async () => {
    const now = source.now?.() ?? Date.now();
    const proxies = source.proxiesByInstance();
    const items = (await source.list()).map((instance) => ({
      id: instance.id,
      ...(instance.hostname === undefined ? {} : { hostname: instance.hostname }),
      ...(instance.apiUrl === undefined ? {} : { apiUrl: instance.apiUrl }),
      ...(instance.xdsUrl === undefined ? {} : { xdsUrl: instance.xdsUrl }),
      startTime: instance.startTime.toISOString(),
      lastHeartbeat: instance.lastHeartbeat.toISOString(),
      alive: now - instance.lastHeartbeat.getTime() <= source.instanceTtlMs,
      self: instance.id === source.self,
      proxies: proxies.get(instance.id) ?? 0,
    }));
    return { total: items.length, items };
  });
}
