import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDataplaneToken } from './dataplane-token.js';
import { DpError } from './errors.js';

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJNZXNoIjoiZGVmYXVsdCJ9.c2lnbmF0dXJl';

async function withFile(content: string, run: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'koguma-token-'));
  try {
    const path = join(dir, 'token');
    await writeFile(path, content);
    await run(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const refusal = (pattern: RegExp) => (error: unknown) => error instanceof DpError && pattern.test(error.message);

test('no option means no token', async () => {
  assert.equal(await readDataplaneToken({}), undefined);
});

test('the value of --dataplane-token, trimmed', async () => {
  assert.equal(await readDataplaneToken({ dataplaneToken: ` ${TOKEN}\n` }), TOKEN);
});

test('a token file is read and its trailing newline dropped', async () => {
  await withFile(`${TOKEN}\n`, async (path) =>
    assert.equal(await readDataplaneToken({ dataplaneTokenFile: path }), TOKEN),
  );
});

test('both options at once are refused', async () => {
  await assert.rejects(readDataplaneToken({ dataplaneToken: TOKEN, dataplaneTokenFile: '/x' }), refusal(/not both/));
});

test('a missing file, an empty file and a file with two lines are refused naming the file', async () => {
  await assert.rejects(
    readDataplaneToken({ dataplaneTokenFile: '/nonexistent/koguma-token' }),
    refusal(/cannot read the dataplane token file \/nonexistent\/koguma-token/),
  );
  await withFile('\n', async (path) =>
    assert.rejects(readDataplaneToken({ dataplaneTokenFile: path }), refusal(new RegExp(`${path} is empty`))),
  );
  await withFile(`${TOKEN}\n${TOKEN}\n`, async (path) =>
    assert.rejects(readDataplaneToken({ dataplaneTokenFile: path }), refusal(/does not hold a dataplane token/)),
  );
});

test('a value that could break a header is refused', async () => {
  await assert.rejects(
    readDataplaneToken({ dataplaneToken: 'abc\r\nx-injected: 1' }),
    refusal(/--dataplane-token does not hold a dataplane token/),
  );
});
