/**
 * Reading a CA's private key as users bring it: PKCS#8 ("PRIVATE KEY"), SEC1
 * ("EC PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY"). node:crypto parses all
 * three; the key is then re-exported as PKCS#8, the one form WebCrypto imports.
 */
import { createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { ecdsaParams, rsaParams, WEBCRYPTO_CURVE, type KeyParams } from './key-algorithms.js';
import { webcrypto, type CryptoKey } from './x509.js';

export interface CaPrivateKey {
  readonly keyObject: KeyObject;
  readonly params: KeyParams;
  /** Non-extractable, usable only to sign. */
  readonly signingKey: CryptoKey;
}

/** Parses and imports a PEM private key; throws an Error whose message completes "the key ...". */
export async function readCaPrivateKey(pem: string): Promise<CaPrivateKey> {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new Error('is encrypted; provide it without a passphrase');
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error('is not a PEM private key (PKCS#8, SEC1 or PKCS#1)');
  }
  const params = paramsOf(keyObject);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, params.keyParams, false, ['sign']);
  return { keyObject, params, signingKey };
}

function paramsOf(key: KeyObject): KeyParams {
  if (key.asymmetricKeyType === 'rsa') return rsaParams(key.asymmetricKeyDetails?.modulusLength);
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const webCurve = WEBCRYPTO_CURVE[curve];
    if (!webCurve) throw new Error(`uses curve ${curve}, which is not supported; use P-256, P-384 or P-521`);
    return ecdsaParams(webCurve);
  }
  throw new Error(`is of type ${key.asymmetricKeyType ?? 'unknown'}, which is not supported; use RSA or ECDSA`);
}

/**
 * Whether `key` is the private half of the certificate's public key: a signature
 * made with the key must verify with the certificate. Comparing encodings instead
 * would trip over equivalent forms (compressed EC points, explicit curve parameters).
 */
export function keyMatchesCertificate(key: KeyObject, certPem: string): boolean {
  const challenge = Buffer.from('koguma: does this key belong to this certificate?');
  try {
    const signature = sign('sha256', challenge, key);
    return verify('sha256', challenge, new X509Certificate(certPem).publicKey, signature);
  } catch {
    return false;
  }
}
