/**
 * Envoy's own counters, from its admin API's `/stats`: what a test reads to
 * see what Envoy did on a connection (e.g. an inbound listener's TLS
 * handshakes) beside what the app saw.
 */
import { adminGet, type Sidecar } from './envoy-sidecar.js';

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value of the stat named exactly `name`; 0 when Envoy has no such stat yet, undefined while the admin API does not answer. */
export async function envoyCounter(sidecar: Sidecar, name: string): Promise<number | undefined> {
  const answer = await adminGet(sidecar, `/stats?format=json&filter=${encodeURIComponent(`^${escapeRegex(name)}$`)}`);
  if (answer?.status !== 200) return undefined;
  const stats = (JSON.parse(answer.body) as { stats?: { name?: string; value?: number }[] }).stats ?? [];
  return stats.find((stat) => stat.name === name)?.value ?? 0;
}

/** The stat prefix Envoy gives a listener bound to `127.0.0.1:<port>` without a stat_prefix of its own. */
export const listenerStat = (port: number, stat: string): string => `listener.127.0.0.1_${port}.${stat}`;
