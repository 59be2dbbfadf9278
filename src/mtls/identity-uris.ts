/**
 * The names a workload certificate proves (Kuma's identity scheme): one SPIFFE
 * ID per service, `spiffe://<mesh>/<service>`, which proxies check on every
 * connection, and `kuma://<tag>/<value>` for every tag, which lets policies
 * match a peer by any tag it carries.
 */

export const SERVICE_TAG = 'kuma.io/service';

/** Tags of a proxy: every tag with all its values across the proxy's inbounds. */
export type WorkloadTags = Readonly<Record<string, readonly string[]>>;

/** The trust domain every workload of a mesh shares; inbound listeners accept peers under it. */
export const spiffeTrustDomain = (mesh: string): string => `spiffe://${mesh}`;

/** The identity outbound listeners require of the service they connect to. */
export const spiffeId = (mesh: string, service: string): string => `${spiffeTrustDomain(mesh)}/${service}`;

export const kumaTagUri = (tag: string, value: string): string => `kuma://${tag}/${value}`;

const sortedUnique = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** The URI SANs of a workload: SPIFFE IDs first (the primary identity), then tag URIs; each group sorted, no duplicates. */
export function workloadUris(mesh: string, tags: WorkloadTags): string[] {
  const services = sortedUnique(tags[SERVICE_TAG] ?? []);
  const tagUris = Object.entries(tags).flatMap(([tag, values]) => values.map((value) => kumaTagUri(tag, value)));
  return [...services.map((service) => spiffeId(mesh, service)), ...sortedUnique(tagUris)];
}
