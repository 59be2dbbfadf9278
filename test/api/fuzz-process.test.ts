/**
 * Fuzz against a real `koguma cp run` process, over a socket, with its
 * default store (embedded PostgreSQL, where a NUL once made a 500): the YAML
 * that used to abort the process, then a few hundred seeded hostile requests
 * (fuzz-generator.ts). Every answer is a 4xx in Kuma's error format, nothing
 * is stored, and the process is still running and serving afterwards.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry } from '../../src/cp/catalogue.js';
import { killAll, spawnControlPlane, type CpProcess } from '../cli/harness.js';
import { CORPUS, pathOf } from './fuzz-corpus.js';
import { hostileRequests } from './fuzz-generator.js';
import { assertRefusal, type Answer } from './refusals.js';

const SEED = Number(process.env['KOGUMA_FUZZ_SEED'] ?? 424242);
const REQUESTS = 300;
const plurals = new Map(kindRegistry.kinds.map((kind) => [kind.name, kind.plural]));

let cp: CpProcess;

before(async () => {
  // PGlite creating its folder is slow on a busy machine: a generous wait.
  cp = await spawnControlPlane([], 90_000);
});
after(() => killAll());

async function send(method: string, path: string, body?: string): Promise<Answer> {
  const response = await fetch(cp.apiUrl + path, {
    method,
    ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
    signal: AbortSignal.timeout(30_000),
  });
  return {
    statusCode: response.status,
    headers: { 'content-type': response.headers.get('content-type') ?? '' },
    body: await response.text(),
  };
}

/** How many resources of each kind the API lists, across meshes. */
async function inventory(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const kind of kindRegistry.kinds) {
    const answer = await send('GET', `/${kind.plural}?size=1`);
    assert.equal(answer.statusCode, 200, answer.body);
    counts[kind.name] = (JSON.parse(answer.body) as { total: number }).total;
  }
  return counts;
}

test('a real control plane refuses hostile input over its socket and keeps serving', async () => {
  const stored = await inventory();

  const deepValue = `${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}`;
  const patch = {
    type: 'MeshProxyPatch',
    mesh: 'default',
    name: 'deep',
    spec: { default: { appendModifications: [{ cluster: { operation: 'Add', value: deepValue } }] } },
  };
  const deep = await send('PUT', '/meshes/default/meshproxypatches/deep', JSON.stringify(patch));
  assert.deepEqual(assertRefusal(deep, 400).invalid_parameters, [
    { field: 'spec.default.appendModifications[0].cluster.value', reason: 'nested deeper than 64 levels' },
  ]);
  assert.deepEqual(assertRefusal(await send('GET', '/meshes?name=%00'), 400).invalid_parameters, [
    { field: 'name', reason: 'must not contain the NUL character' },
  ]);

  let index = 0;
  for (const request of hostileRequests(SEED, REQUESTS, plurals)) {
    const answer = await send(request.method, request.url, request.body);
    try {
      assertRefusal(answer);
    } catch (error) {
      assert.fail(`seed ${SEED}, request ${index} (${request.mutation}): ${(error as Error).message}`);
    }
    index++;
  }

  assert.equal(cp.child.exitCode, null, `the control plane exited:\n${cp.output().slice(-2000)}`);
  assert.deepEqual(await inventory(), stored, 'a refused request changed the store');
  assert.equal((await send('GET', '/')).statusCode, 200);
  const [first] = CORPUS;
  const created = await send('PUT', pathOf(first!, plurals), JSON.stringify(first));
  assert.equal(created.statusCode, 201, created.body);
});
