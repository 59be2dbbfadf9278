/** Ports given as flags: a module of its own so the CLI can parse them without loading anything else. */

/** A TCP port: an integer from 1 to 65535. */
export function parsePort(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < 1 || value > 65535) throw new Error('must be a port between 1 and 65535');
  return value;
}
