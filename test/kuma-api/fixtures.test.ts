/**
 * Kuma's own REST API fixtures, replayed against Koguma's real HTTP server:
 * each fixture's documents are loaded straight into a fresh store, each of
 * its requests is sent over HTTP, and the answer is judged as Kuma judges it
 * (compare.ts). Prints the agreement per folder.
 *
 * Fails when a request disagrees that is not on the list of expected
 * differences (expected-differences.json: request id → why it still differs),
 * and when a listed request now agrees: the list only shrinks. Fixtures of
 * Kuma's legacy policy kinds are not run. Fixtures in a `global` folder are
 * answered by a control plane in global mode, as Kuma's own test answers them.
 *
 * The fixtures are read from $KOGUMA_KUMA_FIXTURES, else from
 * `../shared/kuma-api/fixtures` beside the repository; without them the test fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bodyOf, isLegacy, judge, normalise } from './compare.js';
import { FIXTURES_ENV, fixturesDir, readFixtures, type Fixture, type FixtureRequest } from './fixture-files.js';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';

const LIST = fileURLToPath(new URL('../../../test/kuma-api/expected-differences.json', import.meta.url));

interface Tally {
  agree: number;
  total: number;
}

async function send(server: FixtureServer, request: FixtureRequest): Promise<{ status: number; body: unknown }> {
  const response = await fetch(server.url + request.path, {
    method: request.method,
    ...(request.body === undefined ? {} : { body: request.body, headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: bodyOf(normalise(await response.text(), server.address)) };
}

async function replay(fixture: Fixture): Promise<{ request: FixtureRequest; agrees: boolean; difference: string }[]> {
  const mode = `/${fixture.folder}/`.includes('/global/') ? 'global' : 'zone';
  const server = await startFixtureServer(fixture.documents, mode);
  try {
    const results = [];
    for (const request of fixture.requests) {
      const got = await send(server, request);
      results.push({ request, ...judge(request.status, request.golden, got.status, got.body) });
    }
    return results;
  } finally {
    await server.close();
  }
}

test("Kuma's REST API fixtures: every request agrees but those listed as expected differences", async () => {
  const dir = fixturesDir();
  assert.ok(
    existsSync(dir),
    `Kuma's API fixtures are not at ${dir}: put them there (the shared kuma-api/fixtures directory) or name their directory in ${FIXTURES_ENV}`,
  );
  const expected = JSON.parse(readFileSync(LIST, 'utf8')) as Record<string, string>;
  const tallies = new Map<string, Tally>();
  const unexpected: string[] = [];
  const nowAgreeing: string[] = [];
  const seen = new Set<string>();
  let legacy = 0;

  for (const fixture of readFixtures(dir)) {
    if (isLegacy(fixture)) {
      legacy += fixture.requests.length;
      for (const request of fixture.requests) seen.add(request.id);
      continue;
    }
    const tally = tallies.get(fixture.folder) ?? { agree: 0, total: 0 };
    tallies.set(fixture.folder, tally);
    for (const { request, agrees, difference } of await replay(fixture)) {
      seen.add(request.id);
      tally.total++;
      if (agrees) tally.agree++;
      const line = `${request.id} (${request.method} ${request.path})`;
      if (agrees && request.id in expected) nowAgreeing.push(line);
      if (!agrees && !(request.id in expected)) unexpected.push(`${line}: ${difference}`);
    }
  }

  let [agree, total] = [0, 0];
  for (const [folder, tally] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`kuma-api ${folder}: ${tally.agree}/${tally.total} agree`);
    agree += tally.agree;
    total += tally.total;
  }
  console.log(`kuma-api: ${agree}/${total} requests agree exactly; ${legacy} of legacy kinds not run`);

  const unknown = Object.keys(expected).filter((id) => !seen.has(id));
  const problems = [
    ...unexpected.map((l) => `disagrees and is not an expected difference: ${l}`),
    ...nowAgreeing.map((l) => `agrees now: remove it from expected-differences.json: ${l}`),
    ...unknown.map((id) => `expected-differences.json names a request no fixture has: ${id}`),
  ];
  assert.equal(problems.length, 0, problems.join('\n'));
});
