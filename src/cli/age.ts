/**
 * Resource age as `koguma get` shows it, kubectl style: the largest whole unit
 * (`5s`, `3m`, `2h`, `4d`), so a column of ages stays narrow and comparable.
 */

const units = [
  { suffix: 'd', seconds: 86_400 },
  { suffix: 'h', seconds: 3_600 },
  { suffix: 'm', seconds: 60 },
] as const;

/** Age of something created at `created` (an ISO time from the server) as seen at `now`. */
export function formatAge(created: string | undefined, now: Date): string {
  if (created === undefined) return '<unknown>';
  const time = Date.parse(created);
  if (Number.isNaN(time)) return '<unknown>';
  // A control plane whose clock runs ahead of ours would give negative ages.
  const seconds = Math.max(0, Math.floor((now.getTime() - time) / 1000));
  for (const unit of units) if (seconds >= unit.seconds) return `${Math.floor(seconds / unit.seconds)}${unit.suffix}`;
  return `${seconds}s`;
}
