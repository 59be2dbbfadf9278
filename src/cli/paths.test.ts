import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry } from '../policies/index.js';
import { describeResource, itemPath, listPath, notFoundMessage, resourceLabel } from './paths.js';

const kind = (name: string) => {
  const found = kindRegistry.resolve(name);
  assert.ok(found);
  return found;
};

test('global kinds live at /{plural}/{name}', () => {
  assert.equal(itemPath(kind('Mesh'), 'ignored', 'demo'), '/meshes/demo');
  assert.equal(listPath(kind('Mesh'), 'ignored'), '/meshes');
});

test('mesh-scoped kinds live under their mesh, and list across meshes at /{plural}', () => {
  assert.equal(itemPath(kind('MeshTimeout'), 'default', 't1'), '/meshes/default/meshtimeouts/t1');
  assert.equal(listPath(kind('dataplanes'), 'default'), '/meshes/default/dataplanes');
  assert.equal(listPath(kind('dataplanes'), undefined), '/dataplanes');
});

test('path segments are escaped', () => {
  assert.equal(itemPath(kind('Mesh'), '', 'a/b'), '/meshes/a%2Fb');
});

test('messages name resources as kubectl and kumactl do', () => {
  assert.equal(resourceLabel(kind('MeshTimeout'), 't1'), 'meshtimeout "t1"');
  assert.equal(notFoundMessage(kind('MeshTimeout'), 'default', 'x'), 'MeshTimeout "x" not found in mesh "default"');
  assert.equal(notFoundMessage(kind('Mesh'), '', 'x'), 'Mesh "x" not found');
  assert.equal(describeResource(kind('dp'), 'm', 'web-1'), 'Dataplane "web-1" in mesh "m"');
});
