/**
 * /openapi.json beyond the kinds' CRUD: every reference resolves, every path
 * parameter is declared, the endpoints a GUI reads are described with a
 * response schema, PUT takes dryRun, and real answers carry what the
 * schemas say they require (and nothing they do not name).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dataplane } from '../support/api.js';
import { startLiveApi, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
let doc: any;
const get = async (path: string) => (await fetch(`${api.url}${path}`)).json() as Promise<any>;

before(async () => {
  api = await startLiveApi();
  const response = await fetch(`${api.url}/meshes/default/dataplanes/web-1`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(dataplane('default', 'web-1', 'web')),
  });
  assert.equal(response.status, 201);
  doc = await get('/openapi.json');
});
after(async () => {
  await api.close();
});

const GUI_READS = [
  '/',
  '/ready',
  '/who-am-i',
  '/config',
  '/_events',
  '/_instances',
  '/_nacks',
  '/meshes/{mesh}/dataplanes/_overview',
  '/dataplanes/_overview',
  '/meshes/{mesh}/dataplanes/{name}/_overview',
  '/meshes/{mesh}/dataplanes/{name}/_rules',
  '/meshes/{mesh}/dataplanes/{name}/_config',
  '/mesh-insights',
  '/meshes/{mesh}/service-insights',
  '/global-insight',
  '/_resources',
  '/policies',
];

const resolve = (reference: string): any => {
  const [, ...parts] = reference.split('/');
  return parts.reduce((node: any, part) => node?.[part], doc);
};

test('every $ref resolves', () => {
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length > 100);
  for (const reference of new Set(refs)) assert.ok(resolve(reference), `unresolved ${reference}`);
});

test('every path parameter is declared on its path or operation', () => {
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    const wanted = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, operation] of Object.entries<any>(item)) {
      if (method === 'parameters') continue;
      const declared = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .filter((p: any) => p.in === 'path')
        .map((p: any) => p.name);
      for (const name of wanted) assert.ok(declared.includes(name), `${method} ${path} declares {${name}}`);
      assert.ok(operation.responses?.['200'] ?? operation.responses?.['201'], `${method} ${path} answers`);
    }
  }
});

test('the endpoints a GUI reads are described with a response schema', () => {
  for (const path of GUI_READS) {
    const ok = doc.paths[path]?.get?.responses?.['200'];
    assert.ok(ok, `GET ${path}`);
    const content = ok.content?.['application/json'] ?? ok.content?.['text/event-stream'];
    assert.ok(content?.schema, `GET ${path} has a schema`);
  }
  assert.ok(doc.paths['/_events'].get.responses['200'].content['text/event-stream']);
  for (const name of ['EventHello', 'EventResource', 'EventProxy', 'EventOverflow'])
    assert.ok(doc.components.schemas[name], name);
});

test('PUT takes dryRun', () => {
  const put = doc.paths['/meshes/{mesh}/meshtimeouts/{name}'].put;
  assert.ok(put.parameters.some((p: any) => p.name === 'dryRun' && p.in === 'query'));
});

/** The answer has every required property and none the schema does not name (when it names them all). */
function conforms(value: any, schema: any, where: string): void {
  const target = schema.$ref ? resolve(schema.$ref) : schema;
  if (target.type !== 'object' || typeof value !== 'object' || value === null) return;
  for (const key of target.required ?? []) assert.ok(key in value, `${where}: ${key} required`);
  if (target.properties && target.additionalProperties !== true && !target.additionalProperties)
    for (const key of Object.keys(value)) assert.ok(key in target.properties, `${where}: ${key} not described`);
  for (const [key, sub] of Object.entries<any>(target.properties ?? {}))
    if (key in value) {
      if (sub.type === 'array' && Array.isArray(value[key]))
        value[key].forEach((item: any, i: number) => conforms(item, sub.items, `${where}.${key}[${i}]`));
      else conforms(value[key], sub, `${where}.${key}`);
    }
}

test('real answers carry what their schemas require', async () => {
  await api.store.leases('test-instance').heartbeat();
  for (const path of ['/', '/ready', '/who-am-i', '/_instances', '/_nacks', '/_resources', '/policies']) {
    conforms(await get(path), doc.paths[path].get.responses['200'].content['application/json'].schema, path);
  }
  const overview = '/meshes/{mesh}/dataplanes/{name}/_overview';
  conforms(
    await get('/meshes/default/dataplanes/web-1/_overview'),
    doc.paths[overview].get.responses['200'].content['application/json'].schema,
    overview,
  );
  const list = '/dataplanes/_overview';
  conforms(await get(list), doc.paths[list].get.responses['200'].content['application/json'].schema, list);
});
