import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDocuments, parseSource, readSources, STDIN } from './documents.js';
import { CliError } from './errors.js';

const noStdin = () => Promise.reject(new Error('stdin must not be read'));

test('multi-document YAML yields each document with its 1-based index', () => {
  const { documents, problems } = parseSource({
    name: 'a.yaml',
    text: 'type: Mesh\nname: a\n---\ntype: Mesh\nname: b\n',
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(
    documents.map((d) => [d.source, d.index, (d.value as { name: string }).name]),
    [
      ['a.yaml', 1, 'a'],
      ['a.yaml', 2, 'b'],
    ],
  );
});

test('empty documents are skipped but still counted', () => {
  const { documents } = parseSource({ name: 'a.yaml', text: 'name: a\n---\n# nothing here\n---\nname: c\n---\n' });
  assert.deepEqual(
    documents.map((d) => d.index),
    [1, 3],
  );
});

test('malformed YAML is reported with its document and position', () => {
  const { problems } = parseSource({ name: 'bad.yaml', text: 'name: ok\n---\nname: [a\n' });
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^bad\.yaml#2: .*line \d+, column \d+/);
});

test('duplicate keys and unresolved aliases are malformed', () => {
  assert.equal(parseSource({ name: 'd.yaml', text: 'name: a\nname: b\n' }).problems.length, 1);
  assert.equal(parseSource({ name: 'd.yaml', text: 'name: *nowhere\n' }).problems.length, 1);
});

test('a .json file is one JSON document', () => {
  assert.deepEqual(parseSource({ name: 'm.json', text: '{"type":"Mesh","name":"a"}' }).documents[0]?.value, {
    type: 'Mesh',
    name: 'a',
  });
  assert.match(parseSource({ name: 'm.json', text: '{"type":' }).problems[0] ?? '', /^m\.json: /);
});

test('a directory stands for its manifest files in name order, and - for stdin', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-cli-docs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'b.yml'), 'name: b\n');
  await writeFile(join(dir, 'a.yaml'), 'name: a\n');
  await writeFile(join(dir, 'c.json'), '{"name":"c"}');
  await writeFile(join(dir, 'notes.txt'), 'not a manifest');
  await mkdir(join(dir, 'sub.yaml'));
  const sources = await readSources([dir, '-'], async () => 'name: s\n');
  assert.deepEqual(
    sources.map((s) => s.name),
    [join(dir, 'a.yaml'), join(dir, 'b.yml'), join(dir, 'c.json'), STDIN],
  );
});

test('a missing file is a clear error', async () => {
  await assert.rejects(readSources(['/nonexistent/x.yaml'], noStdin), (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.equal(error.message, 'cannot read /nonexistent/x.yaml: no such file or directory');
    return true;
  });
});

test('stdin can be named only once', async () => {
  await assert.rejects(
    readSources(['-', '-'], async () => ''),
    /only once/,
  );
});

test('an input without documents is an error', async () => {
  await assert.rejects(
    loadDocuments(['-'], async () => '# only a comment\n---\n'),
    /no documents found in <stdin>/,
  );
});

test('every parse problem of every source is reported together', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-cli-docs-'));
  await writeFile(join(dir, 'a.yaml'), 'name: [a\n');
  await writeFile(join(dir, 'b.yaml'), 'x: 1\nx: 2\n');
  try {
    await assert.rejects(loadDocuments([dir], noStdin), (error: unknown) => {
      assert.ok(error instanceof CliError);
      assert.equal(error.details.length, 2);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a document nested thousands of levels deep is a problem to report, not a crash of the command', () => {
  const deep = `value: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`;
  const { documents, problems } = parseSource({ name: 'deep.yaml', text: deep });
  assert.deepEqual(documents, []);
  assert.deepEqual(problems, ['deep.yaml#1: nested deeper than 64 levels']);
});
