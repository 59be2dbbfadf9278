import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJson, readYaml, type Parsed } from './bounded-parse.js';

const LARGE = { maxBytes: 4 * 1024 * 1024 };
const SMALL = { maxBytes: 64 * 1024 };

function refused(parsed: Parsed) {
  assert.equal(parsed.ok, false, 'expected a refusal');
  return (parsed as { issue: { field: string; reason: string } }).issue;
}

test('YAML nested deeper than the limit is refused before it is composed, in every YAML form', () => {
  const block = Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + `\n${' '.repeat(70)}x`;
  const forms = {
    'flow mapping': `${'{a: '.repeat(70)}1${'}'.repeat(70)}`,
    'flow sequence': `${'['.repeat(70)}${']'.repeat(70)}`,
    'unclosed flow': '['.repeat(70),
    'block mapping': block,
    'compact sequences': `${'- '.repeat(70)}x`,
    JSON: `${'{"a": '.repeat(70)}1${'}'.repeat(70)}`,
  };
  for (const [form, text] of Object.entries(forms)) {
    assert.deepEqual(
      refused(readYaml(text, 'spec.value', SMALL)),
      { field: 'spec.value', reason: 'nested deeper than 64 levels' },
      form,
    );
  }
});

test('the depth check stops early: a million open brackets are refused, not parsed', () => {
  assert.equal(refused(readYaml('['.repeat(1_000_000), 'v', LARGE)).reason, 'nested deeper than 64 levels');
  assert.equal(refused(readYaml('{a: '.repeat(200_000), 'v', LARGE)).reason, 'nested deeper than 64 levels');
});

test('YAML as deep as the limit is read', () => {
  const read = readYaml(`${'['.repeat(64)}${']'.repeat(64)}`, 'v', SMALL);
  assert.equal(read.ok, true);
  const envoyLike = 'name: c\nconnectTimeout: 5s\nmetadata:\n  filterMetadata:\n    x: {a: [1, {b: c}]}\n';
  assert.deepEqual(readYaml(envoyLike, 'v', SMALL), {
    ok: true,
    value: { name: 'c', connectTimeout: '5s', metadata: { filterMetadata: { x: { a: [1, { b: 'c' }] } } } },
  });
});

test('aliases that nest deeper than the text does are refused after expansion', () => {
  const inner = `${'['.repeat(40)}1${']'.repeat(40)}`;
  const text = `base: &deep ${inner}\nmore: ${'['.repeat(40)}*deep${']'.repeat(40)}\n`;
  const issue = refused(readYaml(text, 'v', SMALL));
  assert.match(issue.reason, /^nested deeper than 64 levels \(at more/);
});

test('a text larger than the limit is refused before it is parsed', () => {
  const issue = refused(readYaml(`a: ${'x'.repeat(70 * 1024)}`, 'spec.value', SMALL));
  assert.deepEqual(issue, { field: 'spec.value', reason: 'must be at most 64 KiB (it is 71683 bytes)' });
});

test('YAML errors, several documents and NUL are refused with the field', () => {
  assert.match(refused(readYaml('a: [1, 2', 'v', SMALL)).reason, /^is not valid YAML: /);
  assert.equal(refused(readYaml('a: 1\n---\nb: 2\n', 'v', SMALL)).reason, 'must be a single YAML document');
  assert.equal(refused(readYaml('a: "x\\0y"', 'v', SMALL)).reason, 'must not contain the NUL character (at a)');
  assert.deepEqual(readYaml('', 'v', SMALL), { ok: true, value: null });
});

test('JSON is read, and its issues are named inside the field', () => {
  assert.deepEqual(readJson('{"a": [1, "x"]}', 'resource', SMALL), { ok: true, value: { a: [1, 'x'] } });
  assert.deepEqual(refused(readJson(`{"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'resource', LARGE)), {
    field: `resource.a${'[0]'.repeat(63)}`,
    reason: 'nested deeper than 64 levels',
  });
  assert.deepEqual(refused(readJson('{"a": "\\u0000"}', 'resource', SMALL)), {
    field: 'resource.a',
    reason: 'must not contain the NUL character',
  });
  assert.match(refused(readJson('{"a": ', 'resource', SMALL)).reason, /^is not valid JSON: /);
  assert.equal(
    refused(readJson(`"${'x'.repeat(65 * 1024)}"`, 'resource', SMALL)).reason,
    'must be at most 64 KiB (it is 66562 bytes)',
  );
});
