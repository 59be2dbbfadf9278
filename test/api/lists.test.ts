import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataplane, startTestApi, type TestApi } from '../support/api.js';

let api: TestApi;
const get = (url: string) => api.app.inject({ method: 'GET', url, headers: { host: 'cp.example:5681' } });

before(async () => {
  api = await startTestApi();
  await api.app.inject({ method: 'PUT', url: '/meshes/other', payload: { type: 'Mesh', name: 'other' } });
  const drafts = [];
  for (let i = 0; i < 25; i++) {
    const name = `web-${String(i).padStart(2, '0')}`;
    drafts.push(
      api.app.inject({
        method: 'PUT',
        url: `/meshes/default/dataplanes/${name}`,
        payload: {
          ...dataplane('default', name, i % 2 === 0 ? 'web' : 'api', { version: i < 5 ? 'v1' : 'v2' }),
          labels: { tier: i < 10 ? 'front' : 'back' },
        },
      }),
    );
  }
  drafts.push(
    api.app.inject({
      method: 'PUT',
      url: '/meshes/other/dataplanes/web-x',
      payload: dataplane('other', 'web-x', 'web'),
    }),
  );
  for (const response of await Promise.all(drafts)) assert.equal(response.statusCode, 201);
});
after(() => api.close());

test('a list has total, items and an absolute next link that walks every page once', async () => {
  const seen: string[] = [];
  let url: string | null = '/meshes/default/dataplanes?size=10';
  let pages = 0;
  while (url !== null && pages < 10) {
    const body = (await get(url.replace('http://cp.example:5681', ''))).json() as {
      total: number;
      items: { name: string }[];
      next: string | null;
    };
    assert.equal(body.total, 25);
    seen.push(...body.items.map((d) => d.name));
    url = body.next;
    if (url !== null) assert.match(url, /^http:\/\/cp\.example:5681\/meshes\/default\/dataplanes\?offset=\d+&size=10$/);
    pages++;
  }
  assert.equal(pages, 3);
  assert.deepEqual(seen, [...seen].sort());
  assert.equal(new Set(seen).size, 25);
});

test('the default page size is 100 and the last page has next null', async () => {
  const body = (await get('/meshes/default/dataplanes')).json();
  assert.equal(body.items.length, 25);
  assert.equal(body.next, null);
});

test("size outside 1..1000 and a bad offset are 400 naming the parameter, in Kuma's words", async () => {
  for (const [query, reason] of [
    ['size=0', 'invalid page size of 0. Minimum page size is 1'],
    ['size=1001', 'invalid page size of 1001. Maximum page size is 1000'],
    ['size=ten', 'invalid format'],
  ] as const) {
    const response = await get(`/meshes/default/dataplanes?${query}`);
    assert.equal(response.statusCode, 400, query);
    assert.equal(response.json().detail, 'Invalid page size', query);
    assert.deepEqual(response.json().invalid_parameters, [{ field: 'size', reason }], query);
  }
  const response = await get('/meshes/default/dataplanes?offset=-1');
  assert.equal(response.statusCode, 400);
  assert.match(response.json().detail, /^invalid: invalid offset: .*"-1"/);
});

test('a filter other than filter[labels.KEY] is refused, naming it under the list path', async () => {
  const response = await get('/meshes/default/dataplanes?filter[labels.team][eq]=web');
  assert.equal(response.statusCode, 400);
  assert.deepEqual(response.json().invalid_parameters, [
    { field: '/meshes/{mesh}/dataplanes.filter[labels.team][eq]', reason: 'advanced filters are not supported' },
  ]);
});

test("the next link lists the query's parameters by name, as Kuma does", async () => {
  const body = (await get('/meshes/default/dataplanes?size=2&name=web&offset=0')).json();
  assert.equal(body.next, 'http://cp.example:5681/meshes/default/dataplanes?name=web&offset=2&size=2');
});

test('name= filters by substring, filter[labels.k]=v by exact label', async () => {
  const byName = (await get('/meshes/default/dataplanes?name=web-0')).json();
  assert.deepEqual(
    byName.items.map((d: { name: string }) => d.name),
    Array.from({ length: 10 }, (_, i) => `web-0${i}`),
  );
  const byLabel = (await get('/meshes/default/dataplanes?filter%5Blabels.tier%5D=front')).json();
  assert.equal(byLabel.total, 10);
  assert.ok(byLabel.items.every((d: { labels: Record<string, string> }) => d.labels['tier'] === 'front'));
});

test('tag=k:v filters dataplanes by inbound tags, all given tags must match', async () => {
  const web = (await get('/meshes/default/dataplanes?tag=kuma.io/service:web')).json();
  assert.equal(web.total, 13);
  const webV1 = (await get('/meshes/default/dataplanes?tag=kuma.io/service:web&tag=version:v1')).json();
  assert.deepEqual(
    webV1.items.map((d: { name: string }) => d.name),
    ['web-00', 'web-02', 'web-04'],
  );
  const malformed = await get('/meshes/default/dataplanes?tag=nocolon');
  assert.equal(malformed.statusCode, 400);
  assert.deepEqual(malformed.json().invalid_parameters, [{ field: 'tag', reason: '"nocolon" must be KEY:VALUE' }]);
});

test('GET /{plural} lists across meshes', async () => {
  const body = (await get('/dataplanes?name=web-x')).json();
  assert.deepEqual(
    body.items.map((d: { mesh: string; name: string }) => `${d.mesh}/${d.name}`),
    ['other/web-x'],
  );
  const all = (await get('/dataplanes?size=1000')).json();
  assert.equal(all.total, 26);
});

test('listing in a mesh that does not exist is a 404 whose title says the mesh is missing, as Kuma words it', async () => {
  const response = await get('/meshes/nowhere/dataplanes');
  assert.equal(response.statusCode, 404);
  assert.equal(response.json().title, 'Failed to retrieve Mesh');
  assert.equal(response.json().detail, 'Not found');
});
