import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindRegistry } from '../cp/catalogue.js';
import { actionFor, jsonEqual } from './diff.js';

const kind = (name: string) => {
  const found = kindRegistry.byType(name);
  assert.ok(found);
  return found;
};

test('jsonEqual ignores key order and undefined members but not array order', () => {
  assert.ok(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }));
  assert.ok(jsonEqual({ a: 1, b: undefined }, { a: 1 }));
  assert.ok(!jsonEqual([1, 2], [2, 1]));
  assert.ok(!jsonEqual({ a: 1 }, { a: '1' }));
  assert.ok(!jsonEqual({ a: null }, { a: {} }));
  assert.ok(!jsonEqual([], {}));
});

const timeout = {
  type: 'MeshTimeout',
  mesh: 'default',
  name: 't1',
  spec: { to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '1h' } }] },
};
/** The labels the server adds to a MeshTimeout written in mesh default. */
const computed = {
  'kuma.io/env': 'universal',
  'kuma.io/mesh': 'default',
  'kuma.io/origin': 'zone',
  'kuma.io/zone': 'default',
};
const stored = {
  ...timeout,
  labels: computed,
  creationTime: '2025-01-01T00:00:00Z',
  modificationTime: '2025-01-02T00:00:00Z',
  status: {},
};

test('a resource that does not exist is created', () => {
  assert.equal(actionFor(kind('MeshTimeout'), timeout, undefined), 'created');
});

test('server-set fields do not count as a change', () => {
  assert.equal(actionFor(kind('MeshTimeout'), timeout, stored), 'unchanged');
});

test('labels the server computes do not count as a change, in either mode; another value for one does', () => {
  assert.equal(actionFor(kind('MeshTimeout'), stored, stored), 'unchanged', 'a read applied again');
  const elsewhere = { ...timeout, labels: { 'kuma.io/origin': 'global' } };
  assert.equal(actionFor(kind('MeshTimeout'), elsewhere, stored), 'updated');
  const dataplane = {
    type: 'Dataplane',
    mesh: 'default',
    name: 'dp-1',
    networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'web' } }] },
  };
  const storedDataplane = { ...dataplane, labels: { ...computed, 'kuma.io/proxy-type': 'sidecar' } };
  assert.equal(actionFor(kind('Dataplane'), dataplane, storedDataplane), 'unchanged');
  const fromGlobal = { ...stored, labels: { 'kuma.io/mesh': 'default', 'kuma.io/origin': 'global' } };
  assert.equal(actionFor(kind('MeshTimeout'), timeout, fromGlobal), 'unchanged', 'as a global control plane stores it');
});

test('a changed spec or labels is an update', () => {
  const changedSpec = { ...timeout, spec: { to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout: '2h' } }] } };
  assert.equal(actionFor(kind('MeshTimeout'), changedSpec, stored), 'updated');
  assert.equal(actionFor(kind('MeshTimeout'), { ...timeout, labels: { team: 'a' } }, stored), 'updated');
});

test('removing a label is an update; no labels and empty labels are the same', () => {
  assert.equal(actionFor(kind('MeshTimeout'), timeout, { ...stored, labels: { ...computed, team: 'a' } }), 'updated');
  assert.equal(actionFor(kind('MeshTimeout'), { ...timeout, labels: {} }, stored), 'unchanged');
});

test('flat kinds compare the fields beside the metadata', () => {
  const mesh = {
    type: 'Mesh',
    name: 'm1',
    mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin' }] },
  };
  const storedMesh = { ...mesh, creationTime: 'x', modificationTime: 'y' };
  assert.equal(actionFor(kind('Mesh'), mesh, storedMesh), 'unchanged');
  assert.equal(actionFor(kind('Mesh'), { type: 'Mesh', name: 'm1' }, storedMesh), 'updated');
});
