/**
 * One mesh's dataplane and service statistics, kept up to date one Dataplane
 * at a time: a change removes the Dataplane's old facts and adds its new ones,
 * so the cost of a change is the size of one Dataplane's facts, never the
 * size of the mesh. Counters that drop to zero leave their maps, so what is
 * served never lists a version, backend or service no proxy has any more.
 */
import type { DataplaneFacts, ProxyStatus, ServiceType } from './dataplane-facts.js';
import { serviceTypeOf } from './dataplane-facts.js';

export interface DataplaneStat {
  total: number;
  online: number;
  offline: number;
  partiallyDegraded: number;
}

export interface ServiceStat {
  /** Dataplanes per service type (a name used by a gateway and by sidecars is rare but possible). */
  readonly byType: Map<ServiceType, number>;
  online: number;
  /** Offline and partially degraded, as Kuma counts them for a service. */
  offline: number;
  readonly issuedBackends: Map<string, number>;
  /** When the service first appeared, and when its numbers last changed. */
  readonly since: Date;
  changed: Date;
}

export const emptyStat = (): DataplaneStat => ({ total: 0, online: 0, offline: 0, partiallyDegraded: 0 });

function count(stat: DataplaneStat, status: ProxyStatus, sign: 1 | -1): void {
  stat.total += sign;
  stat[status] += sign;
}

function countIn(map: Map<string, DataplaneStat>, key: string, status: ProxyStatus, sign: 1 | -1): void {
  let stat = map.get(key);
  if (!stat) map.set(key, (stat = emptyStat()));
  count(stat, status, sign);
  if (stat.total === 0) map.delete(key);
}

function add(map: Map<string, number>, key: string, sign: 1 | -1): void {
  const value = (map.get(key) ?? 0) + sign;
  if (value === 0) map.delete(key);
  else map.set(key, value);
}

export class MeshAggregate {
  readonly dataplanes = emptyStat();
  readonly byType = { standard: emptyStat(), gatewayBuiltin: emptyStat(), gatewayDelegated: emptyStat() };
  readonly kumaDp = new Map<string, DataplaneStat>();
  readonly envoy = new Map<string, DataplaneStat>();
  readonly issuedBackends = new Map<string, DataplaneStat>();
  readonly supportedBackends = new Map<string, DataplaneStat>();
  readonly services = new Map<string, ServiceStat>();

  /** Replaces one Dataplane's facts (`before` undefined: it is new; `after` undefined: it is gone). */
  replace(before: DataplaneFacts | undefined, after: DataplaneFacts | undefined, now: Date): void {
    if (before) this.apply(before, -1, now);
    if (after) this.apply(after, 1, now);
  }

  private apply(facts: DataplaneFacts, sign: 1 | -1, now: Date): void {
    const { status } = facts;
    count(this.dataplanes, status, sign);
    count(this.byType[facts.type], status, sign);
    countIn(this.kumaDp, facts.kumaDpVersion, status, sign);
    countIn(this.envoy, facts.envoyVersion, status, sign);
    if (facts.issuedBackend !== undefined) {
      countIn(this.issuedBackends, facts.issuedBackend, status, sign);
      for (const backend of facts.supportedBackends) countIn(this.supportedBackends, backend, status, sign);
    }
    const serviceType = serviceTypeOf(facts.type);
    for (const name of facts.services) {
      let service = this.services.get(name);
      if (!service) {
        service = { byType: new Map(), online: 0, offline: 0, issuedBackends: new Map(), since: now, changed: now };
        this.services.set(name, service);
      }
      add(service.byType as Map<string, number>, serviceType, sign);
      if (status === 'online') service.online += sign;
      else service.offline += sign;
      if (facts.issuedBackend) add(service.issuedBackends, facts.issuedBackend, sign);
      service.changed = now;
      if (service.byType.size === 0) this.services.delete(name);
    }
  }
}
