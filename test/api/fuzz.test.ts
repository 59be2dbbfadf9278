/**
 * Fuzz: thousands of hostile requests (fuzz-generator.ts) at every resource
 * kind through the real fastify server. Every answer must be a 4xx in Kuma's
 * error format, never a 5xx; nothing may be stored; the API must still serve
 * reads and writes afterwards.
 *
 * Seeded: a failure names the seed and request index. KOGUMA_FUZZ_SEED=<n>
 * replays one seed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry } from '../../src/cp/catalogue.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { CORPUS, pathOf } from './fuzz-corpus.js';
import { hostileRequests } from './fuzz-generator.js';
import { assertRefusal, storeContents } from './refusals.js';

const SEEDS =
  process.env['KOGUMA_FUZZ_SEED'] !== undefined ? [Number(process.env['KOGUMA_FUZZ_SEED'])] : [20240611, 7, 1312];
const REQUESTS_PER_SEED = 600;
const plurals = new Map(kindRegistry.kinds.map((kind) => [kind.name, kind.plural]));

let api: TestApi;

before(async () => {
  // The default body limit of `koguma cp run` (--api-body-limit), so over-limit bodies meet the same 413.
  api = await startTestApi({ bodyLimitBytes: 1024 * 1024 });
});
after(() => api.close());

test('every corpus document is accepted as given, so the fuzz breaks valid documents', async () => {
  for (const document of CORPUS) {
    const url = pathOf(document, plurals);
    const created = await api.app.inject({ method: 'PUT', url, payload: document });
    assert.equal(created.statusCode, 201, `${String(document['type'])}: ${created.body}`);
    assert.equal((await api.app.inject({ method: 'DELETE', url })).statusCode, 200);
  }
});

for (const seed of SEEDS) {
  test(`seed ${seed}: ${REQUESTS_PER_SEED} hostile requests are all refused with a 4xx, nothing is stored, the API still serves`, async () => {
    const before = await storeContents(api.store);
    const statuses = new Map<number, number>();
    let index = 0;
    for (const request of hostileRequests(seed, REQUESTS_PER_SEED, plurals)) {
      const answer = await api.app.inject({
        method: request.method,
        url: request.url,
        ...(request.body === undefined
          ? {}
          : { payload: request.body, headers: { 'content-type': request.contentType ?? 'application/json' } }),
      });
      try {
        assertRefusal(answer);
      } catch (error) {
        assert.fail(`seed ${seed}, request ${index} (${request.mutation}): ${(error as Error).message}`);
      }
      statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
      index++;
    }
    assert.equal(await storeContents(api.store), before, 'a refused request changed the store');
    // Refusals of several kinds, not one answer for everything.
    assert.ok((statuses.get(400) ?? 0) > REQUESTS_PER_SEED / 2, JSON.stringify([...statuses]));
    assert.ok((statuses.get(413) ?? 0) > 0, JSON.stringify([...statuses]));

    assert.equal((await api.app.inject({ method: 'GET', url: '/' })).statusCode, 200);
    const [first] = CORPUS;
    const url = pathOf(first!, plurals);
    assert.equal((await api.app.inject({ method: 'PUT', url, payload: first! })).statusCode, 201);
    assert.equal((await api.app.inject({ method: 'DELETE', url })).statusCode, 200);
  });
}
