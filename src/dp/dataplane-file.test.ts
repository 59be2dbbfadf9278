import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataplaneFromText, identityFromFlags, withAdminPort } from './dataplane-file.js';
import { DpError } from './errors.js';
import { parseTemplateVars } from './template.js';

const TEMPLATE = `type: Dataplane
mesh: default
name: {{ name }}
networking:
  address: {{ address }}
  inbound:
    - port: {{ port }}
      tags:
        kuma.io/service: web
`;
const vars = parseTemplateVars(['name=web-1', 'address=10.0.0.1', 'port=8080']);

function failure(run: () => unknown): { message: string; details: readonly string[] } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DpError, String(error));
    return { message: error.message, details: error.details };
  }
  assert.fail('expected a DpError');
}

test('a template is filled, parsed (numbers stay numbers) and validated; json is the document', () => {
  const loaded = dataplaneFromText(TEMPLATE, 'dp.yaml', vars, {});
  assert.equal(loaded.mesh, 'default');
  assert.equal(loaded.name, 'web-1');
  assert.equal(loaded.service, 'web');
  const expected = {
    type: 'Dataplane',
    mesh: 'default',
    name: 'web-1',
    networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }] },
  };
  assert.deepEqual(loaded.document, expected);
  assert.deepEqual(JSON.parse(loaded.json), expected);
});

test('a .json file is read as JSON', () => {
  const json = JSON.stringify({
    type: 'Dataplane',
    mesh: 'm',
    name: '{{ name }}',
    networking: { address: '10.0.0.2', inbound: [{ port: 1, tags: { 'kuma.io/service': 's' } }] },
  });
  assert.equal(dataplaneFromText(json, 'dp.json', vars, {}).name, 'web-1');
});

test('mesh and name come from the flags when the file has none; a disagreement names the field', () => {
  const bare = TEMPLATE.replace('mesh: default\n', '').replace('name: {{ name }}\n', '');
  const loaded = dataplaneFromText(bare, 'dp.yaml', vars, { mesh: 'prod', name: 'api-1' });
  assert.deepEqual([loaded.mesh, loaded.name], ['prod', 'api-1']);
  assert.deepEqual(Object.keys(loaded.document).slice(0, 3), ['type', 'mesh', 'name']);
  const { message, details } = failure(() =>
    dataplaneFromText(TEMPLATE, 'dp.yaml', vars, { mesh: 'prod', name: 'web-1' }),
  );
  assert.equal(message, 'dp.yaml does not match the flags');
  assert.deepEqual(details, ['  mesh: is "default" but --mesh says "prod"']);
});

test('an invalid Dataplane is refused with every field named, as the control plane would', () => {
  const text =
    TEMPLATE.replace('  address: {{ address }}\n', '').replace('kuma.io/service: web', 'kuma.io/protocol: http') +
    '  bogus: true\n';
  const { message, details } = failure(() => dataplaneFromText(text, 'dp.yaml', vars, {}));
  assert.equal(message, 'dp.yaml is not a valid Dataplane');
  assert.deepEqual(details, ['  networking.address: is required', '  networking.bogus: unknown field']);
});

test('another kind, several documents and broken YAML are refused', () => {
  assert.deepEqual(failure(() => dataplaneFromText('type: Mesh\nname: m\n', 'f.yaml', vars, {})).details, [
    '  type: must be "Dataplane", not "Mesh"',
  ]);
  assert.match(
    failure(() => dataplaneFromText(`${TEMPLATE}---\n${TEMPLATE}`, 'f.yaml', vars, {})).message,
    /holds 2 documents; a dataplane file holds exactly one Dataplane/,
  );
  assert.match(failure(() => dataplaneFromText('a: [1, 2\n', 'f.yaml', vars, {})).message, /^cannot parse f\.yaml$/);
});

test('without a file, --mesh and --name are both required', () => {
  assert.deepEqual(identityFromFlags({ mesh: 'm', name: 'n' }), { mesh: 'm', name: 'n' });
  assert.throws(() => identityFromFlags({ name: 'n' }), /^DpError: --mesh is required without --dataplane-file$/);
  assert.throws(() => identityFromFlags({}), /--mesh and --name are required/);
});

test('--admin-port goes into networking.admin.port; the same port is fine, another one a conflict', () => {
  const loaded = dataplaneFromText(TEMPLATE, 'dp.yaml', vars, {});
  const withPort = withAdminPort(loaded, 9902, 'dp.yaml');
  assert.deepEqual((withPort.document['networking'] as { admin: unknown }).admin, { port: 9902 });
  assert.deepEqual(JSON.parse(withPort.json), withPort.document);
  assert.equal(withAdminPort(withPort, 9902, 'dp.yaml'), withPort);
  assert.deepEqual(failure(() => withAdminPort(withPort, 9903, 'dp.yaml')).details, [
    '  networking.admin.port: is 9902 but --admin-port says 9903',
  ]);
  assert.equal(
    (loaded.document['networking'] as { admin?: unknown }).admin,
    undefined,
    'the loaded document is left as it was',
  );
});

test('a file nested thousands of levels deep is refused, not a crash of the agent', () => {
  const deep = `${TEMPLATE}  extra: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
  const { message, details } = failure(() => dataplaneFromText(deep, 'deep.yaml', vars, {}));
  assert.equal(message, 'cannot parse deep.yaml');
  assert.deepEqual(details, ['  nested deeper than 64 levels']);
});
