import { describe, expect, it } from 'vitest';
import { editable, getIn, initialValue, normalizeField, pathString, removeAt, setIn, shapeOf } from './schema-form';

describe('the API field names and the form paths', () => {
  it('reads JSON pointers and dotted paths as the same path', () => {
    expect(normalizeField('/spec/to/0/default/connectionTimeout')).toBe('spec.to[0].default.connectionTimeout');
    expect(normalizeField('spec.to[0].default.connectionTimeout')).toBe('spec.to[0].default.connectionTimeout');
    expect(normalizeField('/labels/a~1b')).toBe('labels.a/b');
    expect(pathString(['spec', 'to', 0, 'default'])).toBe('spec.to[0].default');
  });
});

describe('editing a document at a path', () => {
  const doc = { spec: { to: [{ name: 'a' }, { name: 'b' }] } };

  it('sets without touching the original, creating what is missing', () => {
    const next = setIn(doc, ['spec', 'to', 1, 'name'], 'c');
    expect(getIn(next, ['spec', 'to', 1, 'name'])).toBe('c');
    expect(doc.spec.to[1]!.name).toBe('b');
    expect(setIn({}, ['spec', 'targetRef', 'kind'], 'Mesh')).toEqual({ spec: { targetRef: { kind: 'Mesh' } } });
  });

  it('removes an object key when set to undefined, and an array element by index', () => {
    expect(setIn({ a: 1, b: 2 }, ['a'], undefined)).toEqual({ b: 2 });
    expect(removeAt(doc, ['spec', 'to', 0])).toEqual({ spec: { to: [{ name: 'b' }] } });
  });

  it('leaves out what the server sets', () => {
    expect(editable({ type: 'Mesh', name: 'm', creationTime: 'x', modificationTime: 'y', kri: 'z' })).toEqual({
      type: 'Mesh',
      name: 'm',
    });
  });
});

describe('the field a schema asks for', () => {
  it('draws a list of constants as a choice', () => {
    expect(shapeOf({ anyOf: [{ const: 'Mesh' }, { const: 'MeshService' }] })).toEqual({
      shape: 'enum',
      options: ['Mesh', 'MeshService'],
    });
  });

  it('draws an object of strings by pattern as a map, and a nullable integer as a number', () => {
    expect(shapeOf({ type: 'object', patternProperties: { '^.*$': { type: 'string' } } }).shape).toBe('map');
    expect(shapeOf({ type: ['integer', 'null'] })).toEqual({ shape: 'number', integer: true });
  });

  it('starts a new value with the required parts only', () => {
    const schema = {
      type: 'object',
      required: ['targetRef'],
      properties: {
        targetRef: { type: 'object', required: ['kind'], properties: { kind: { anyOf: [{ const: 'Mesh' }] } } },
        to: { type: 'array', items: {} },
      },
    };
    expect(initialValue(schema)).toEqual({ targetRef: { kind: 'Mesh' } });
  });
});
