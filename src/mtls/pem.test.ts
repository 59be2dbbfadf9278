import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePem, joinPem, parsePemBlocks, splitCertificateChain } from './pem.js';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256);

test('encodePem wraps base64 at 64 characters and round-trips through parsePemBlocks', () => {
  const der = bytes(100, 7);
  const pem = encodePem('CERTIFICATE', der);
  const lines = pem.trimEnd().split('\n');
  assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
  assert.equal(lines.at(-1), '-----END CERTIFICATE-----');
  assert.deepEqual(
    lines.slice(1, -1).map((line) => line.length),
    [64, 64, 8],
  );
  assert.ok(pem.endsWith('-----\n'));
  const [block] = parsePemBlocks(pem);
  assert.equal(block?.label, 'CERTIFICATE');
  assert.deepEqual(block?.der, der);
});

test('splitCertificateChain keeps certificate order and skips other blocks and text between them', () => {
  const first = encodePem('CERTIFICATE', bytes(40, 1));
  const second = encodePem('CERTIFICATE', bytes(50, 2));
  const text = `Bag Attributes: leaf\n${first}\n${encodePem('PRIVATE KEY', bytes(30, 3))}# intermediate\r\n${second.replace(/\n/g, '\r\n')}`;
  assert.deepEqual(splitCertificateChain(text), [first, second]);
});

test('parsePemBlocks refuses mismatched labels and bodies that are not base64', () => {
  assert.throws(
    () => parsePemBlocks('-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----'),
    /begins as "CERTIFICATE" but ends as "PRIVATE KEY"/,
  );
  assert.throws(
    () => parsePemBlocks('-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----'),
    /block 1 \(CERTIFICATE\) is not valid base64/,
  );
  assert.throws(() => parsePemBlocks('-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----'), /not valid base64/);
});

test('text without PEM blocks has no certificates', () => {
  assert.deepEqual(splitCertificateChain('not a certificate'), []);
});

test('joinPem puts one newline between blocks and one at the end', () => {
  assert.equal(joinPem(['A\n\n', '  B', 'C\n']), 'A\nB\nC\n');
});
