/**
 * Values of the agent's flags: durations (`500ms`, `30s`, `5m`, `1h`) and
 * ports. Parsers throw an Error whose message completes "<flag> ...", so
 * the command can name the flag or variable the bad value came from.
 * `formatDuration` is the way back, for log lines ("retrying in 1.5s").
 */

export { formatDuration, parseDuration } from '../api/duration.js';

/** A TCP port: an integer from 1 to 65535. */
export function parsePort(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < 1 || value > 65535) throw new Error('must be a port between 1 and 65535');
  return value;
}
