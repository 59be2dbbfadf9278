/**
 * The subjectAltName extension of URIs, encoded directly as DER. Every workload
 * certificate has a different one, and building it through the library's JSON
 * form costs about half a millisecond of ASN.1 object churn; the structure is
 * simple enough to write by hand (RFC 5280 §4.2.1.6):
 *
 *   GeneralNames ::= SEQUENCE OF GeneralName
 *   GeneralName  ::= [6] IMPLICIT IA5String   -- uniformResourceIdentifier
 */
import { x509 } from './x509.js';

const SUBJECT_ALT_NAME_OID = '2.5.29.17';
const SEQUENCE = 0x30;
const CONTEXT_6_URI = 0x86;

/** DER definite length: short form below 128, else the big-endian bytes of the length. */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return [0x80 | bytes.length, ...bytes];
}

const tagged = (tag: number, content: Uint8Array): Uint8Array => {
  const header = [tag, ...derLength(content.length)];
  const out = new Uint8Array(header.length + content.length);
  out.set(header);
  out.set(content, header.length);
  return out;
};

/** The SAN extension naming `uris`; critical when the certificate's subject is empty. */
export function uriSanExtension(uris: readonly string[], critical: boolean): x509.Extension {
  const names = uris.map((uri) => {
    // IA5String is 7-bit ASCII; tag values are checked to that alphabet, but make sure.
    if (!/^[\x20-\x7e]+$/.test(uri)) throw new Error(`URI SAN "${uri}" is not printable ASCII`);
    return tagged(CONTEXT_6_URI, Buffer.from(uri, 'ascii'));
  });
  const content = Buffer.concat(names);
  return new x509.Extension(SUBJECT_ALT_NAME_OID, critical, tagged(SEQUENCE, content));
}
