/**
 * The certificates a sidecar's Envoy holds right now, from its admin API's
 * `/certs`: one entry per TLS context (each mTLS listener and cluster) with
 * its CA certificates and its own chain. After a rotation every context shows
 * the new certificate, so "which serials are in use" is how a test sees one.
 */
import { adminGet, type Sidecar } from './envoy-sidecar.js';

export interface CertificateDetails {
  readonly serial: string;
  readonly validFrom: string;
  readonly expiresAt: string;
  /** URI SANs. */
  readonly uris: readonly string[];
}

interface AdminCertificate {
  serial_number?: string;
  valid_from?: string;
  expiration_time?: string;
  subject_alt_names?: { uri?: string }[];
}

interface AdminCerts {
  certificates?: { ca_cert?: AdminCertificate[]; cert_chain?: AdminCertificate[] }[];
}

const detailsOf = (cert: AdminCertificate): CertificateDetails => ({
  serial: cert.serial_number ?? '',
  validFrom: cert.valid_from ?? '',
  expiresAt: cert.expiration_time ?? '',
  uris: (cert.subject_alt_names ?? []).flatMap((san) => (san.uri === undefined ? [] : [san.uri])),
});

/**
 * The leaf certificates Envoy's TLS contexts present, one per distinct serial
 * (undefined while the admin API does not answer). Envoy keeps a context
 * built before a rotation until its listener or cluster goes, so more than
 * one may show for a moment.
 */
export async function presentedCertificates(sidecar: Sidecar): Promise<CertificateDetails[] | undefined> {
  const answer = await adminGet(sidecar, '/certs');
  if (answer?.status !== 200) return undefined;
  const bySerial = new Map<string, CertificateDetails>();
  for (const context of (JSON.parse(answer.body) as AdminCerts).certificates ?? []) {
    const leaf = context.cert_chain?.[0];
    if (leaf !== undefined) bySerial.set(leaf.serial_number ?? '', detailsOf(leaf));
  }
  return [...bySerial.values()];
}
