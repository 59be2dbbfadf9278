/**
 * Bandwidth limits as MeshFaultInjection writes them (`10kbps`, `50 Mbps`,
 * `1Gbps`), read by both the schema (range check) and the fault filters.
 */

const KBPS_PER_UNIT: Readonly<Record<string, number>> = { k: 1, M: 1_000, G: 1_000_000 };

/** `10kbps`, `50 Mbps`, `1Gbps` in kbps. */
export function bandwidthKbps(limit: string): number {
  const match = /^([0-9]+) ?([GMk])bps$/.exec(limit);
  if (!match) throw new Error(`not a bandwidth: ${limit}`);
  return Number(match[1]) * KBPS_PER_UNIT[match[2]!]!;
}
