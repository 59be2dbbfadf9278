/**
 * What a sidecar's Envoy says about itself through its admin API, for tests
 * that check what a policy did: counters and gauges (/stats), the health of
 * each endpoint of a cluster (/clusters), a section of /config_dump, and a
 * wait until no cluster or listener is still warming or draining, so that the
 * configuration Envoy ACKed is the one carrying the next request.
 */
import { adminGet, type Sidecar } from './envoy-sidecar.js';
import { waitFor } from './proxyless-processes.js';

/** Counters and gauges whose name matches `filter` (a regex, as /stats takes it). */
export async function envoyStats(sidecar: Sidecar, filter: string): Promise<Record<string, number>> {
  const answer = await adminGet(sidecar, `/stats?format=json&filter=${encodeURIComponent(filter)}`);
  if (answer?.status !== 200)
    throw new Error(`${sidecar.name}'s /stats did not answer: ${answer?.status} ${answer?.body}`);
  const stats: Record<string, number> = {};
  for (const stat of (JSON.parse(answer.body) as { stats: { name?: string; value?: number }[] }).stats) {
    if (stat.name !== undefined && typeof stat.value === 'number') stats[stat.name] = stat.value;
  }
  return stats;
}

/** The value of the one counter or gauge named `name` exactly (0 when Envoy has not created it). */
export async function envoyStat(sidecar: Sidecar, name: string): Promise<number> {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (await envoyStats(sidecar, `^${escaped}$`))[name] ?? 0;
}

/** The sum of the counters whose name ends with `suffix` (e.g. every listener's `fault.aborts_injected`). */
export async function envoyStatSum(sidecar: Sidecar, suffix: string): Promise<number> {
  const escaped = suffix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return Object.values(await envoyStats(sidecar, `${escaped}$`)).reduce((sum, value) => sum + value, 0);
}

/** Envoy's health flags of one endpoint, as /clusters?format=json gives them (e.g. `failed_outlier_check: true`). */
export type HostHealth = Readonly<Record<string, string | boolean>>;

interface ClusterStatusesJson {
  cluster_statuses?: {
    name: string;
    host_statuses?: {
      address?: { socket_address?: { address: string; port_value: number } };
      health_status?: Record<string, string | boolean>;
    }[];
  }[];
}

/** Per endpoint (`ip:port`) of `cluster`, its health flags. */
export async function hostHealth(sidecar: Sidecar, cluster: string): Promise<Record<string, HostHealth>> {
  const answer = await adminGet(sidecar, '/clusters?format=json');
  if (answer?.status !== 200) throw new Error(`${sidecar.name}'s /clusters did not answer`);
  const found = (JSON.parse(answer.body) as ClusterStatusesJson).cluster_statuses?.find((c) => c.name === cluster);
  const hosts: Record<string, HostHealth> = {};
  for (const host of found?.host_statuses ?? []) {
    hosts[`${host.address?.socket_address?.address}:${host.address?.socket_address?.port_value}`] =
      host.health_status ?? {};
  }
  return hosts;
}

/** True when Envoy sends traffic to the endpoint: no failure flag set, EDS says HEALTHY. */
export const routable = (health: HostHealth | undefined): boolean =>
  health !== undefined &&
  health['eds_health_status'] === 'HEALTHY' &&
  !Object.entries(health).some(([flag, on]) => flag.startsWith('failed_') && on === true);

/** Waits until `check` holds for the health of `cluster`'s endpoints; returns them. */
export function waitForHostHealth(
  sidecar: Sidecar,
  cluster: string,
  what: string,
  check: (hosts: Record<string, HostHealth>) => boolean,
  timeoutMs = 15_000,
): Promise<Record<string, HostHealth>> {
  let last: Record<string, HostHealth> = {};
  return waitFor(
    () => `${sidecar.name}: ${what} (endpoints of ${cluster}: ${JSON.stringify(last)})`,
    async () => {
      last = await hostHealth(sidecar, cluster);
      return check(last) ? last : undefined;
    },
    timeoutMs,
  );
}

/** The entries of /config_dump's section `resource` (e.g. `dynamic_active_clusters`), each an object of Envoy's JSON. */
export async function configDump(sidecar: Sidecar, resource: string): Promise<any[]> {
  const answer = await adminGet(sidecar, `/config_dump?resource=${resource}`);
  if (answer?.status !== 200) throw new Error(`${sidecar.name}'s /config_dump did not answer: ${answer?.body}`);
  return (JSON.parse(answer.body) as { configs?: any[] }).configs ?? [];
}

/** The active cluster named `name` as /config_dump shows it (undefined when there is none). */
export async function dumpedCluster(sidecar: Sidecar, name: string): Promise<any> {
  return (await configDump(sidecar, 'dynamic_active_clusters'))
    .map((entry) => entry.cluster)
    .find((cluster) => cluster?.name === name);
}

/**
 * Waits until nothing is warming or draining: a cluster Envoy took over CDS
 * waits for its endpoints (and first health checks) before it replaces the
 * old one, and a replaced listener drains its connections.
 */
export async function waitForEnvoySettled(sidecar: Sidecar, timeoutMs = 15_000): Promise<void> {
  let last: Record<string, number> = {};
  await waitFor(
    () => `${sidecar.name} to have nothing warming or draining (${JSON.stringify(last)})`,
    async () => {
      last = await envoyStats(
        sidecar,
        '^(cluster_manager\\.warming_clusters|listener_manager\\.total_listeners_(warming|draining))$',
      );
      return Object.values(last).every((value) => value === 0) ? true : undefined;
    },
    timeoutMs,
  );
}
