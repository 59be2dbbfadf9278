/**
 * PEM (RFC 7468) blocks: a certificate chain is several CERTIFICATE blocks in
 * one text, issuing certificate first. Parsing is strict about the armour
 * (matching BEGIN/END labels, base64 body) and lenient about what surrounds
 * it, as OpenSSL is: text between blocks ("Bag Attributes", comments) is skipped.
 */

export interface PemBlock {
  /** The label between "BEGIN " and the dashes, e.g. "CERTIFICATE". */
  readonly label: string;
  readonly der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** Every PEM block of `text`, in order. Throws an Error saying which block is malformed. */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const [, label = '', body = '', endLabel] of text.matchAll(BLOCK)) {
    const position = blocks.length + 1;
    if (label !== endLabel) throw new Error(`PEM block ${position} begins as "${label}" but ends as "${endLabel}"`);
    const base64 = body.replace(/\s+/g, '');
    if (base64 === '' || base64.length % 4 !== 0 || !BASE64_BODY.test(base64)) {
      throw new Error(`PEM block ${position} (${label}) is not valid base64`);
    }
    blocks.push({ label, der: new Uint8Array(Buffer.from(base64, 'base64')) });
  }
  return blocks;
}

/** One PEM block, 64 base64 characters a line, ending in a newline. */
export function encodePem(label: string, der: Uint8Array | ArrayBuffer): string {
  const base64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The CERTIFICATE blocks of a chain, each re-encoded as its own PEM; other blocks are ignored. */
export function splitCertificateChain(text: string): string[] {
  return parsePemBlocks(text)
    .filter((block) => block.label === 'CERTIFICATE')
    .map((block) => encodePem(block.label, block.der));
}

/** Concatenates PEM texts into one chain, one newline between blocks and one at the end. */
export function joinPem(pems: readonly string[]): string {
  return pems.map((pem) => `${pem.trim()}\n`).join('');
}
