import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '@bufbuild/protobuf';
import { applyJsonPatches, JsonPatchError, parsePointer } from './json-patch.js';
import type { JsonPatchBlock } from './schema.js';

const doc: JsonValue = { name: 'c', list: [1, 2, 3], nested: { 'a/b': 1, 'm~n': 2 } };

const cases: ReadonlyArray<{ name: string; patches: JsonPatchBlock[]; want: JsonValue }> = [
  {
    name: 'add a member',
    patches: [{ op: 'add', path: '/extra', value: { x: 1 } }],
    want: { ...(doc as object), extra: { x: 1 } },
  },
  {
    name: 'add replaces an existing member',
    patches: [{ op: 'add', path: '/name', value: 'd' }],
    want: { ...(doc as object), name: 'd' },
  },
  {
    name: 'add inserts into an array',
    patches: [{ op: 'add', path: '/list/1', value: 9 }],
    want: { ...(doc as object), list: [1, 9, 2, 3] },
  },
  {
    name: 'add appends with -',
    patches: [{ op: 'add', path: '/list/-', value: 4 }],
    want: { ...(doc as object), list: [1, 2, 3, 4] },
  },
  {
    name: 'remove a member',
    patches: [{ op: 'remove', path: '/name' }],
    want: { list: [1, 2, 3], nested: { 'a/b': 1, 'm~n': 2 } },
  },
  {
    name: 'remove an array element',
    patches: [{ op: 'remove', path: '/list/0' }],
    want: { ...(doc as object), list: [2, 3] },
  },
  {
    name: 'replace with escaped tokens',
    patches: [
      { op: 'replace', path: '/nested/a~1b', value: 5 },
      { op: 'replace', path: '/nested/m~0n', value: 6 },
    ],
    want: { ...(doc as object), nested: { 'a/b': 5, 'm~n': 6 } },
  },
  { name: 'copy', patches: [{ op: 'copy', from: '/name', path: '/alias' }], want: { ...(doc as object), alias: 'c' } },
  {
    name: 'move',
    patches: [{ op: 'move', from: '/list', path: '/nested/list' }],
    want: { name: 'c', nested: { 'a/b': 1, 'm~n': 2, list: [1, 2, 3] } },
  },
  {
    name: 'patches apply in order',
    patches: [
      { op: 'add', path: '/obj', value: {} },
      { op: 'add', path: '/obj/k', value: true },
    ],
    want: { ...(doc as object), obj: { k: true } },
  },
];

for (const c of cases) {
  test(`json patch: ${c.name}`, () => {
    const before = structuredClone(doc);
    assert.deepEqual(applyJsonPatches(doc, c.patches), c.want);
    assert.deepEqual(doc, before, 'the input document is left unchanged');
  });
}

const failures: ReadonlyArray<{ name: string; patch: JsonPatchBlock; message: RegExp }> = [
  {
    name: 'replace of a missing member',
    patch: { op: 'replace', path: '/missing', value: 1 },
    message: /jsonPatches\[0\] \(replace \/missing\): nothing at \/missing/,
  },
  { name: 'remove past the end of an array', patch: { op: 'remove', path: '/list/3' }, message: /out of range/ },
  { name: 'add under a missing parent', patch: { op: 'add', path: '/a/b', value: 1 }, message: /nothing at a/ },
  {
    name: 'an index that is not a number',
    patch: { op: 'add', path: '/list/x', value: 1 },
    message: /x is not an array index/,
  },
  {
    name: 'a move into its own child',
    patch: { op: 'move', from: '/nested', path: '/nested/inner' },
    message: /into itself/,
  },
];

for (const c of failures) {
  test(`json patch refuses ${c.name}`, () => {
    assert.throws(
      () => applyJsonPatches(doc, [c.patch]),
      (error: unknown) => error instanceof JsonPatchError && c.message.test(error.message),
    );
  });
}

test('json pointers decode ~1 before ~0 (RFC 6901 §4)', () => {
  assert.deepEqual(parsePointer('/a~01/b~1c'), ['a~1', 'b/c']);
  assert.deepEqual(parsePointer(''), []);
});
