/**
 * The Dataplane a proxy carries in its xDS node metadata is read within the
 * input limits: too large, too deep or holding a NUL, it is refused as
 * InvalidInput naming the metadata field, before anything recurses into it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KogumaError } from '../../src/api/index.js';
import { carriedDataplane } from '../../src/xds/node-metadata.js';

const FIELD = 'node.metadata["dataplane.resource"]';
const node = (resource: unknown) => ({
  mesh: 'default',
  name: 'web-1',
  nodeId: 'default.web-1',
  metadata: { 'dataplane.resource': resource },
});

function refusedWith(resource: unknown, field: string, reason: string) {
  assert.throws(
    () => carriedDataplane(node(resource).metadata),
    (error: unknown) => {
      assert.ok(error instanceof KogumaError);
      assert.equal(error.code, 'InvalidInput');
      assert.deepEqual(error.invalidParameters, [{ field, reason }]);
      return true;
    },
  );
}

test('a carried Dataplane is parsed as JSON; none means indirect mode', () => {
  assert.deepEqual(carriedDataplane(node('{"type":"Dataplane","name":"web-1"}').metadata), {
    type: 'Dataplane',
    name: 'web-1',
  });
  assert.equal(carriedDataplane(node('').metadata), undefined);
  assert.equal(carriedDataplane({}), undefined);
});

test('a carried Dataplane nested 100,000 levels deep is refused naming where', () => {
  const deep = `{"networking":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  refusedWith(deep, `${FIELD}.networking${'[0]'.repeat(63)}`, 'nested deeper than 64 levels');
});

test('a carried Dataplane over 256 KiB is refused before it is parsed', () => {
  const large = JSON.stringify({ type: 'Dataplane', padding: 'x'.repeat(256 * 1024) });
  refusedWith(large, FIELD, `must be at most 256 KiB (it is ${Buffer.byteLength(large)} bytes)`);
});

test('a carried Dataplane that is not JSON, or holds a NUL, is refused', () => {
  assert.throws(
    () => carriedDataplane(node('{"type": ').metadata),
    (error: KogumaError) => /^is not valid JSON: /.test(error.invalidParameters[0]?.reason ?? ''),
  );
  refusedWith('{"name":"web\\u0000"}', `${FIELD}.name`, 'must not contain the NUL character');
});

test('a carried Dataplane given as a structure (not text) is checked the same way', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100; i++) deep = { a: deep };
  refusedWith(deep, `${FIELD}${'.a'.repeat(64)}`, 'nested deeper than 64 levels');
});
