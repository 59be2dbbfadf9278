/**
 * When a proxy's certificate must be replaced: at 4/5 of its life (leaving a
 * fifth for retries if the CA is briefly unavailable), or at once when what it
 * certifies changed: the mesh's CA backend or CA, the proxy's tags, or the
 * configured lifetime. The second case is detected by comparing identity keys.
 */
import type { WorkloadTags } from './identity-uris.js';

/**
 * The moment a certificate issued at `issuedAt` and valid until `notAfter`
 * should be renewed. Measured from issuance, not from `notBefore`: that is
 * back-dated for clock skew (x509.ts), which for a 20 s certificate would
 * have made 80 % of a 80 s span, i.e. a renewal every 4 s.
 */
export function renewalTime(issuedAt: Date, notAfter: Date): Date {
  const lifetime = notAfter.getTime() - issuedAt.getTime();
  return new Date(issuedAt.getTime() + Math.floor((lifetime * 4) / 5));
}

export interface IdentityInputs {
  readonly mesh: string;
  /** Name of the mesh's enabled mTLS backend. */
  readonly backend: string;
  readonly tags: WorkloadTags;
  readonly lifetimeMs: number;
  /**
   * Fingerprint of the issuing CA (CertificateAuthority.fingerprint). Without it,
   * a mesh deleted and created again under the same name gets a new builtin root
   * while its proxies keep certificates of the old one until their renewal time.
   */
  readonly caFingerprint?: string;
}

/**
 * A stable string that changes exactly when the certificate's content should:
 * tags sorted by name, values sorted and deduplicated, so inbound order does not matter.
 */
export function identityKeyOf(inputs: IdentityInputs): string {
  // A tag without values certifies nothing (workloadUris emits no URI for it), so it is left out too.
  const tags = Object.keys(inputs.tags)
    .sort()
    .map((tag) => [tag, [...new Set(inputs.tags[tag])].sort()] as const)
    .filter(([, values]) => values.length > 0);
  return JSON.stringify([inputs.mesh, inputs.backend, inputs.caFingerprint ?? '', inputs.lifetimeMs, tags]);
}

export interface IssuedIdentity {
  readonly issuedAt: Date;
  readonly notAfter: Date;
  /** identityKeyOf(...) of what the certificate was issued for. */
  readonly identityKey: string;
}

export function needsRenewal(issued: IssuedIdentity, now: Date, currentIdentityKey: string): boolean {
  return (
    issued.identityKey !== currentIdentityKey ||
    now.getTime() >= renewalTime(issued.issuedAt, issued.notAfter).getTime()
  );
}
