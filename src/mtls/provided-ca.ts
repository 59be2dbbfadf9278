/**
 * Checks a user-provided CA before a Mesh may use it, so a bad certificate is
 * refused at apply time with field paths, instead of failing later as broken
 * TLS between proxies. Returns issues rather than throwing: the caller merges
 * them with the Mesh's other validation issues.
 */
import type { InvalidParameter } from '../api/index.js';
import { splitCertificateChain } from './pem.js';
import { keyMatchesCertificate, readCaPrivateKey } from './private-key.js';
import { x509 } from './x509.js';

export interface ProvidedCaCheck {
  readonly now: Date;
  /** Path of the backend's `conf`, e.g. `mtls.backends[1].conf`; issues name `<field>.cert` and `<field>.key`. */
  readonly field: string;
}

/** The certificate must be a CA, valid now, signed link by link along its chain, and hold the key's public half. */
export async function checkProvidedCa(
  certPem: string,
  keyPem: string,
  check: ProvidedCaCheck,
): Promise<InvalidParameter[]> {
  const certField = `${check.field}.cert`;
  const keyField = `${check.field}.key`;
  const issues: InvalidParameter[] = [];
  const parsed = parseChain(certPem);
  if (typeof parsed === 'string') issues.push({ field: certField, reason: parsed });
  else
    issues.push(...(await chainIssues(parsed.certificates, check.now)).map((reason) => ({ field: certField, reason })));

  try {
    const key = await readCaPrivateKey(keyPem);
    if (typeof parsed !== 'string' && !keyMatchesCertificate(key.keyObject, parsed.firstPem)) {
      issues.push({ field: keyField, reason: "does not match the certificate's public key" });
    }
  } catch (error) {
    issues.push({ field: keyField, reason: (error as Error).message });
  }
  return issues;
}

interface ParsedChain {
  readonly certificates: x509.X509Certificate[];
  readonly firstPem: string;
}

/** The parsed chain, or why it does not parse. */
function parseChain(certPem: string): ParsedChain | string {
  let pems: string[];
  try {
    pems = splitCertificateChain(certPem);
  } catch (error) {
    return `is not valid PEM: ${(error as Error).message}`;
  }
  if (pems.length === 0) return 'contains no PEM CERTIFICATE block';
  const certificates: x509.X509Certificate[] = [];
  for (const [i, pem] of pems.entries()) {
    try {
      certificates.push(new x509.X509Certificate(pem));
    } catch {
      return `${ordinal(i)} does not parse as an X.509 certificate`;
    }
  }
  return { certificates, firstPem: pems[0]! };
}

async function chainIssues(certificates: readonly x509.X509Certificate[], now: Date): Promise<string[]> {
  const reasons: string[] = [];
  for (const [i, certificate] of certificates.entries()) {
    const which = ordinal(i);
    const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
    if (!constraints?.ca) reasons.push(`${which} is not a CA certificate (basicConstraints cA is not set)`);
    const usage = certificate.getExtension(x509.KeyUsagesExtension);
    if (usage && (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
      reasons.push(`${which} may not sign certificates (keyUsage lacks keyCertSign)`);
    }
    if (now < certificate.notBefore)
      reasons.push(`${which} is not valid before ${certificate.notBefore.toISOString()}`);
    if (now > certificate.notAfter) reasons.push(`${which} expired at ${certificate.notAfter.toISOString()}`);
    const issuer = certificates[i + 1];
    if (issuer && !(await isSignedBy(certificate, issuer))) {
      reasons.push(
        `${which} is not signed by the ${ordinal(i + 1)}; list the chain from the issuing CA up to the root`,
      );
    }
  }
  return reasons;
}

async function isSignedBy(certificate: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  if (certificate.issuerName.toString() !== issuer.subjectName.toString()) return false;
  try {
    return await certificate.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

/** "the certificate" for the one that signs, "certificate N of the chain" for the others (1-based, as people count). */
const ordinal = (index: number): string => (index === 0 ? 'the certificate' : `certificate ${index + 1} of the chain`);
