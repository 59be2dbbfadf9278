import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { normalised } from './normalise.js';
import { Ignored, Strict } from './primitives.js';

const Port = Strict({
  port: Type.Integer(),
  appProtocol: Type.Optional(Type.String({ default: 'tcp' })),
  protocol: Ignored('dropped'),
});
const Spec = Strict({
  ports: Type.Optional(Type.Array(Port)),
  state: Type.Optional(Type.String({ default: 'Unavailable' })),
  nested: Type.Optional(Strict({ flag: Type.Optional(Type.Boolean({ default: false })) })),
  either: Type.Optional(Type.Union([Type.String(), Strict({ x: Type.Optional(Type.String({ default: 'x' })) })])),
});

test('defaults fill what is absent, inside the objects the value has; ignored fields are dropped', () => {
  const value = {
    ports: [
      { port: 80, protocol: 'tcp' },
      { port: 81, appProtocol: 'http' },
    ],
    either: {},
  };
  assert.deepEqual(normalised(Spec, value), {
    ports: [
      { port: 80, appProtocol: 'tcp' },
      { port: 81, appProtocol: 'http' },
    ],
    either: {},
    state: 'Unavailable',
  });
  assert.deepEqual(value.ports[0], { port: 80, protocol: 'tcp' }, 'the input is not modified');
});

test('a default is a copy, never shared between documents', () => {
  const Shared = Strict({ list: Type.Optional(Type.Array(Type.String(), { default: [] })) });
  const first = normalised(Shared, {}) as { list: string[] };
  first.list.push('x');
  assert.deepEqual(normalised(Shared, {}), { list: [] });
});
