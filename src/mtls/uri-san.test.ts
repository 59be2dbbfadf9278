import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uriSanExtension } from './uri-san.js';
import { x509 } from './x509.js';

const uris = (count: number, length: number) =>
  Array.from({ length: count }, (_, i) => `kuma://tag-${i}/${'v'.repeat(length)}`);

for (const [label, list] of [
  ['one short URI', ['spiffe://default/web']],
  ['a list longer than 127 bytes (long-form length)', uris(8, 20)],
  ['a URI longer than 255 bytes (two length bytes)', uris(1, 300)],
  ['a list longer than 65535 bytes (three length bytes)', uris(300, 240)],
] as const) {
  test(`the hand-encoded SAN equals the library's for ${label}`, () => {
    const ours = uriSanExtension(list, true);
    const library = new x509.SubjectAlternativeNameExtension(
      list.map((value) => ({ type: 'url' as const, value })),
      true,
    );
    assert.deepEqual(Buffer.from(ours.rawData), Buffer.from(library.rawData));
    const parsed = new x509.SubjectAlternativeNameExtension(ours.rawData);
    assert.deepEqual(
      parsed.names.items.map((name) => name.value),
      [...list],
    );
    assert.equal(parsed.critical, true);
  });
}

test('a non-ASCII URI is refused rather than mis-encoded', () => {
  assert.throws(() => uriSanExtension(['kuma://version/vé'], false), /not printable ASCII/);
});
