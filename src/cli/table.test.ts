import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from './table.js';

test('columns are aligned to their widest cell and headers upper-cased', () => {
  const text = formatTable(
    ['name', 'age'],
    [
      ['web-1', '5s'],
      ['a', '10d'],
    ],
  );
  assert.equal(text, 'NAME    AGE\nweb-1   5s\na       10d\n');
});

test('no line carries trailing spaces, even when the last cells are empty', () => {
  const text = formatTable(['NAME', 'TAGS'], [['web-1', '']]);
  for (const line of text.split('\n')) assert.equal(line, line.trimEnd());
  assert.equal(text, 'NAME    TAGS\nweb-1\n');
});

test('a table without rows is its header line', () => {
  assert.equal(formatTable(['NAME', 'AGE'], []), 'NAME   AGE\n');
});
