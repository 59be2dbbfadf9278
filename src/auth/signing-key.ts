/**
 * Token signing key material, shared by dataplane tokens (one key per mesh) and
 * user tokens (one global key).
 *
 * Keys are ECDSA P-256 and tokens are signed ES256: the same curve the builtin
 * CA uses, small signatures (64 bytes, so short tokens in headers and gRPC
 * metadata), and key generation fast enough to do synchronously while a mesh is
 * being created. Nothing outside the control plane verifies these tokens, so
 * Kuma's choice of RS256 buys no compatibility.
 *
 * A key is stored as a PKCS#8 PEM of the private key. Its id (`kid`, sent in
 * every token header) is the RFC 7638 thumbprint of the public key: derived from
 * the key itself, so it needs no counter and a later rotation can keep several
 * keys side by side and pick the right one for each token.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, importPKCS8, importSPKI, type CryptoKey } from 'jose';
import { KogumaError } from '../api/index.js';

export const TOKEN_SIGNING_ALGORITHM = 'ES256';

export interface SigningKey {
  /** RFC 7638 thumbprint (SHA-256, base64url) of the public key. */
  readonly kid: string;
  /** Signs tokens; not extractable. */
  readonly privateKey: CryptoKey;
  /** Verifies tokens. */
  readonly publicKey: CryptoKey;
}

/** A new P-256 private key as PKCS#8 PEM. */
export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return privateKey;
}

/**
 * Reads a PKCS#8 PEM into a usable key. `source` names where the PEM came from,
 * so an operator told "not a P-256 key" knows which secret or file to look at.
 */
export async function signingKeyFromPem(pem: string, source: string): Promise<SigningKey> {
  let privateObject: KeyObject;
  try {
    privateObject = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new KogumaError('Internal', `${source} does not hold a PEM private key`);
  }
  if (privateObject.asymmetricKeyType !== 'ec' || privateObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new KogumaError(
      'Internal',
      `${source} holds a ${describeKeyType(privateObject)} key; token signing keys are ECDSA P-256`,
    );
  }
  const publicObject = createPublicKey(privateObject);
  const pkcs8 = privateObject.export({ type: 'pkcs8', format: 'pem' }).toString();
  const spki = publicObject.export({ type: 'spki', format: 'pem' }).toString();
  return {
    kid: await calculateJwkThumbprint(publicObject, 'sha256'),
    privateKey: await importPKCS8(pkcs8, TOKEN_SIGNING_ALGORITHM),
    publicKey: await importSPKI(spki, TOKEN_SIGNING_ALGORITHM),
  };
}

function describeKeyType(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === undefined ? String(key.asymmetricKeyType) : `${key.asymmetricKeyType} ${curve}`;
}
