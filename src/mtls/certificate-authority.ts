/**
 * A CA loaded in memory, ready to sign: the parsed issuing certificate, its
 * chain as PEM (delivered to proxies beside their certificate), and a signing
 * key. Builtin roots and provided CAs load through the same function, so the
 * issuer does not know which backend it serves.
 */
import { KogumaError } from '../api/index.js';
import type { CaKeyAlgorithm, KeyParams } from './key-algorithms.js';
import { joinPem, splitCertificateChain } from './pem.js';
import { keyMatchesCertificate, readCaPrivateKey } from './private-key.js';
import { fingerprintOf, x509, type CryptoKey } from './x509.js';

export interface CertificateAuthority {
  /** The certificate that signs; the first of `chainPem`. */
  readonly certificate: x509.X509Certificate;
  /** The issuing certificate followed by any intermediates, as given. */
  readonly chainPem: string;
  readonly privateKey: CryptoKey;
  readonly algorithm: CaKeyAlgorithm;
  readonly signingParams: KeyParams['signingParams'];
  /** Hex key identifier that issued certificates carry as authorityKeyIdentifier. */
  readonly keyIdentifier: string;
  /** Hex SHA-256 of the issuing certificate: changes whenever the CA does. */
  readonly fingerprint: string;
}

const refuse = (reason: string): KogumaError => new KogumaError('InvalidInput', `the CA cannot be loaded: ${reason}`);

/**
 * Parses a CA certificate (chain) and its key. Validity dates and CA flags are
 * checkProvidedCa's job; this refuses only what makes signing impossible.
 */
export async function loadCa(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  let pems: string[];
  let certificate: x509.X509Certificate;
  try {
    pems = splitCertificateChain(certPem);
    if (pems.length === 0) throw new Error('no CERTIFICATE block found');
    certificate = new x509.X509Certificate(pems[0]!);
  } catch (error) {
    throw refuse(`the certificate does not parse: ${(error as Error).message}`);
  }
  const key = await readCaPrivateKey(keyPem).catch((error: Error) => {
    throw refuse(`the key ${error.message}`);
  });
  if (!keyMatchesCertificate(key.keyObject, pems[0]!))
    throw refuse("the key does not match the certificate's public key");
  return {
    certificate,
    chainPem: joinPem(pems),
    privateKey: key.signingKey,
    algorithm: key.params.algorithm,
    signingParams: key.params.signingParams,
    keyIdentifier: await keyIdentifierOf(certificate),
    fingerprint: await fingerprintOf(certificate),
  };
}

/**
 * The CA's own subjectKeyIdentifier when it has one: verifiers match a child's
 * authorityKeyIdentifier against it, so a recomputed value could differ and
 * break chain building. Otherwise the RFC 5280 §4.2.1.2 SHA-1 of the key.
 */
async function keyIdentifierOf(certificate: x509.X509Certificate): Promise<string> {
  const ski = certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) return ski.keyId;
  return Buffer.from(await certificate.publicKey.getKeyIdentifier()).toString('hex');
}
