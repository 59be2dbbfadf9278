/**
 * Values of the agent's flags: durations (`500ms`, `30s`, `5m`, `1h`) and
 * ports. Parsers throw an Error whose message completes "<flag> ...", so
 * the command can name the flag or variable the bad value came from.
 * `formatDuration` is the way back, for log lines ("retrying in 1.5s").
 */

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "30s", "5m", "1h" as milliseconds. */
export function parseDuration(raw: string): number {
  const match = DURATION.exec(raw.trim());
  if (!match) throw new Error('must be a duration like 500ms, 30s or 5m');
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}

/** 250 → "250ms", 1500 → "1.5s", 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}

/** A TCP port: an integer from 1 to 65535. */
export function parsePort(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < 1 || value > 65535) throw new Error('must be a port between 1 and 65535');
  return value;
}
