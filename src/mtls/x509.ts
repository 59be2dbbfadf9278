/**
 * The one place `@peculiar/x509` is loaded and bound to Node's WebCrypto, so
 * every module of this folder signs and parses with the same provider. Import
 * `x509` and `webcrypto` from here, never from the packages directly: the
 * Reflect metadata polyfill (which its dependency injection needs) must load first.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto);

export { x509, webcrypto };
export type CryptoKey = webcrypto.CryptoKey;

/** How far certificates are back-dated, so a peer whose clock runs a little behind accepts them. */
export const CLOCK_SKEW_MS = 60_000;

/**
 * A random positive serial of 16 bytes (RFC 5280 §4.1.2.2 allows up to 20).
 * The first byte has its top bit clear (positive) and is never zero, so the DER
 * integer keeps all 16 bytes and parsers that insist on minimal encoding accept it.
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** X.509 times have one-second resolution; truncating first makes what we return equal what the certificate says. */
export const wholeSeconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);

/** Hex of the SHA-256 of a certificate's DER: a stable fingerprint for logs and identity keys. */
export async function fingerprintOf(certificate: x509.X509Certificate): Promise<string> {
  return Buffer.from(await certificate.getThumbprint('SHA-256')).toString('hex');
}
