/** A certificate's validity as people read it: when it ends and how far off that is. */

export type Validity = 'expired' | 'expiring' | 'valid';

const DAY_MS = 86_400_000;
/** Under this, an expiry is worth a warning. */
export const EXPIRING_WITHIN_MS = 30 * DAY_MS;

export function validityOf(notAfter: string, now: number): Validity {
  const end = Date.parse(notAfter);
  if (end <= now) return 'expired';
  return end - now < EXPIRING_WITHIN_MS ? 'expiring' : 'valid';
}

/** Whole days left before `notAfter` (0 when under a day or past). */
export const daysLeft = (notAfter: string, now: number): number =>
  Math.max(0, Math.floor((Date.parse(notAfter) - now) / DAY_MS));
