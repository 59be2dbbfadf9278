import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { kindRegistry } from '../policies/index.js';
import { renderJson, renderList, renderOne, renderYaml } from './output.js';

const kind = kindRegistry.resolve('mt')!;
const now = new Date('2025-01-10T12:00:00Z');
const a = { type: 'MeshTimeout', mesh: 'default', name: 'a', creationTime: '2025-01-10T11:00:00Z', spec: { to: [] } };
const b = { ...a, name: 'b', labels: { long: 'x'.repeat(200) } };

test('YAML output is one document per resource and parses back to the same values', () => {
  const text = renderYaml([a, b]);
  const parsed = parseAllDocuments(text).map((d) => d.toJS() as unknown);
  assert.deepEqual(parsed, [a, b]);
  assert.equal(text.split('\n').filter((line) => line === '---').length, 1);
});

test('long strings are not folded', () => {
  assert.ok(renderYaml([b]).includes('x'.repeat(200)));
});

test('a single resource is a single document, with no separator', () => {
  assert.ok(!renderOne(kind, a, 'yaml', now).includes('---'));
});

test('JSON lists keep the server shape {total, items}', () => {
  assert.deepEqual(JSON.parse(renderList(kind, [a, b], 'json', now)), { total: 2, items: [a, b] });
  assert.deepEqual(JSON.parse(renderOne(kind, a, 'json', now)), a);
  assert.ok(renderJson({}).endsWith('\n'));
});

test('tables start with the header line', () => {
  const lines = renderList(kind, [a], 'table', now).split('\n');
  assert.match(lines[0] ?? '', /^MESH\s+NAME\s+TARGETREF\b.*AGE$/);
  assert.match(lines[1] ?? '', /^default\s+a\s+Mesh\b.*1h$/);
});
