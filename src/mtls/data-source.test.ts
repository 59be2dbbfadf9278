import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KogumaError } from '../api/errors.js';
import { createStore } from '../store/index.js';
import {
  readBoundedFile,
  resolveDataSource,
  resolveDataSourceText,
  storeSecretReader,
  type DataSourceContext,
} from './data-source.js';

const field = 'mtls.backends[1].conf.cert';
const secrets = new Map([['ca-cert', new Uint8Array(Buffer.from('from a secret'))]]);
const context: DataSourceContext = { field, readSecret: async (name) => secrets.get(name) };

/** Asserts an InvalidInput naming exactly `expectedField`, with a reason matching `reason`. */
async function rejectsNaming(promise: Promise<unknown>, expectedField: string, reason: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof KogumaError);
    assert.equal(error.code, 'InvalidInput');
    assert.equal(error.invalidParameters.length, 1);
    assert.equal(error.invalidParameters[0]?.field, expectedField);
    assert.match(error.invalidParameters[0]?.reason ?? '', reason);
    assert.ok(error.message.startsWith(expectedField), error.message);
    return true;
  });
}

test('a secret source reads the named Secret', async () => {
  assert.equal(await resolveDataSourceText({ secret: 'ca-cert' }, context), 'from a secret');
});

test('a missing secret is refused naming the secret field and the Secret', async () => {
  await rejectsNaming(
    resolveDataSource({ secret: 'nope' }, context),
    `${field}.secret`,
    /Secret "nope", which does not exist/,
  );
});

test('a file source reads the file; a missing file is refused naming the file field', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-mtls-'));
  try {
    const path = join(dir, 'ca.pem');
    await writeFile(path, 'from a file');
    assert.equal(await resolveDataSourceText({ file: path }, context), 'from a file');
    await rejectsNaming(
      resolveDataSource({ file: join(dir, 'absent.pem') }, context),
      `${field}.file`,
      /absent\.pem", which does not exist/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unreadable file says why', async () => {
  const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  const reading: DataSourceContext = {
    ...context,
    readFile: async () => {
      throw denied;
    },
  };
  await rejectsNaming(
    resolveDataSource({ file: '/etc/ca.pem' }, reading),
    `${field}.file`,
    /cannot be read \(permission denied\)/,
  );
});

test('inline is base64, whitespace allowed; anything else is refused', async () => {
  const encoded = Buffer.from('inline bytes \u00ff').toString('base64');
  assert.equal(
    await resolveDataSourceText({ inline: `${encoded.slice(0, 8)}\n${encoded.slice(8)}` }, context),
    'inline bytes \u00ff',
  );
  await rejectsNaming(resolveDataSource({ inline: 'not base64!' }, context), `${field}.inline`, /must be base64/);
});

test('inlineString is the text itself, as UTF-8', async () => {
  assert.deepEqual(await resolveDataSource({ inlineString: 'é' }, context), new Uint8Array([0xc3, 0xa9]));
});

test('storeSecretReader decodes Secrets of its own mesh only', async () => {
  const store = await createStore({ type: 'memory' });
  try {
    await store.createAll([
      {
        kind: 'Secret',
        mesh: 'default',
        name: 'ca-cert',
        labels: {},
        spec: { data: Buffer.from('PEM text').toString('base64') },
      },
      { kind: 'Secret', mesh: 'other', name: 'elsewhere', labels: {}, spec: { data: 'AAAA' } },
    ]);
    const reading: DataSourceContext = { field, readSecret: storeSecretReader(store, 'default') };
    assert.equal(await resolveDataSourceText({ secret: 'ca-cert' }, reading), 'PEM text');
    await rejectsNaming(
      resolveDataSource({ secret: 'elsewhere' }, reading),
      `${field}.secret`,
      /Secret "elsewhere", which does not exist in this mesh/,
    );
  } finally {
    await store.close();
  }
});

test('a file that is not a regular file (a device, a directory, a named pipe) is refused without reading it', async () => {
  await rejectsNaming(
    resolveDataSource({ file: '/dev/zero' }, context),
    `${field}.file`,
    /"\/dev\/zero", which is not a regular file/,
  );
  await rejectsNaming(resolveDataSource({ file: tmpdir() }, context), `${field}.file`, /which is not a regular file/);
  const dir = await mkdtemp(join(tmpdir(), 'koguma-mtls-'));
  try {
    // Nobody ever writes to this pipe: a blocking open would wait forever.
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await rejectsNaming(
      resolveDataSource({ file: fifo }, context),
      `${field}.file`,
      /pipe", which is not a regular file/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file, a Secret or inline content over 256 KiB is refused naming its field', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-mtls-'));
  try {
    const path = join(dir, 'huge.pem');
    await writeFile(path, Buffer.alloc(256 * 1024 + 1, 'x'));
    await rejectsNaming(
      resolveDataSource({ file: path }, context),
      `${field}.file`,
      /huge\.pem", which is larger than 256 KiB/,
    );
    await writeFile(path, Buffer.alloc(256 * 1024, 'x'));
    assert.equal((await resolveDataSource({ file: path }, context)).length, 256 * 1024);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const big: DataSourceContext = { field, readSecret: async () => new Uint8Array(256 * 1024 + 1) };
  await rejectsNaming(
    resolveDataSource({ secret: 'ca-cert' }, big),
    `${field}.secret`,
    /Secret "ca-cert", which holds more than 256 KiB/,
  );
  const inline = Buffer.alloc(256 * 1024 + 3).toString('base64');
  await rejectsNaming(resolveDataSource({ inline }, context), `${field}.inline`, /must hold at most 256 KiB/);
});

test('readBoundedFile stops reading past the limit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-mtls-'));
  try {
    const path = join(dir, 'f');
    await writeFile(path, 'abcdef');
    assert.deepEqual(Buffer.from(await readBoundedFile(path, 6)).toString(), 'abcdef');
    await assert.rejects(readBoundedFile(path, 5), (error: NodeJS.ErrnoException) => error.code === 'ETOOLARGE');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
