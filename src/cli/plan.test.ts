import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { KindRegistry, type KindDescriptor } from '../api/index.js';
import { kindRegistry } from '../cp/catalogue.js';
import type { SourceDocument } from './documents.js';
import { applyOrder, validateAll } from './plan.js';

const doc = (index: number, value: unknown): SourceDocument => ({ source: 'm.yaml', index, value });

const mesh = { type: 'Mesh', name: 'm1' };
const timeout = (name: string, idleTimeout = '1h') => ({
  type: 'MeshTimeout',
  mesh: 'm1',
  name,
  spec: { to: [{ targetRef: { kind: 'Mesh' }, default: { idleTimeout } }] },
});

test('valid documents are planned with their kind, mesh and name', () => {
  const { valid, problems } = validateAll(kindRegistry, [doc(1, mesh), doc(2, timeout('t1'))]);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    valid.map((v) => [v.at, v.kind.name, v.mesh, v.name]),
    [
      ['m.yaml#1', 'Mesh', '', 'm1'],
      ['m.yaml#2', 'MeshTimeout', 'm1', 't1'],
    ],
  );
});

test('every problem of every document is reported as file#index Kind name: field: reason', () => {
  const { problems } = validateAll(kindRegistry, [
    doc(1, timeout('t1', 'soon')),
    doc(2, mesh),
    doc(3, { type: 'Nope', name: 'x' }),
    doc(4, 'text'),
  ]);
  assert.deepEqual(problems, [
    'm.yaml#1 MeshTimeout t1: spec.to[0].default.idleTimeout: must be a duration like 15s',
    'm.yaml#3 Nope x: type: unknown kind "Nope"',
    'm.yaml#4 <no type> <no name>: document: must be an object with a type, a name and its fields',
  ]);
});

test('the same resource twice in one apply is a problem', () => {
  const { problems } = validateAll(kindRegistry, [doc(1, timeout('t1')), doc(2, timeout('t1', '2h'))]);
  assert.deepEqual(problems, ['m.yaml#2 MeshTimeout t1: name: is also defined at m.yaml#1']);
});

test('meshes are applied first, everything else keeps its order', () => {
  const { valid } = validateAll(kindRegistry, [
    doc(1, timeout('a')),
    doc(2, mesh),
    doc(3, timeout('b')),
    doc(4, { type: 'Mesh', name: 'm0' }),
  ]);
  assert.deepEqual(
    applyOrder(valid).map((v) => v.at),
    ['m.yaml#2', 'm.yaml#4', 'm.yaml#1', 'm.yaml#3'],
  );
});

test('a document of a read-only kind is a problem, found before anything is sent', () => {
  const insight: KindDescriptor = {
    name: 'MeshInsight',
    plural: 'meshinsights',
    shortName: 'mi',
    singularDisplayName: 'Mesh Insight',
    pluralDisplayName: 'Mesh Insights',
    scope: 'Global',
    shape: 'flat',
    spec: Type.Object({}),
    readOnly: true,
  };
  const { problems } = validateAll(new KindRegistry([insight]), [doc(1, { type: 'MeshInsight', name: 'a' })]);
  assert.deepEqual(problems, ['m.yaml#1 MeshInsight a: type: MeshInsight is read-only']);
});
