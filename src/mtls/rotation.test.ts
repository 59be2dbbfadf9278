import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identityKeyOf, needsRenewal, renewalTime, type IdentityInputs } from './rotation.js';

const issuedAt = new Date('2030-01-01T00:00:00Z');
const notAfter = new Date('2030-01-02T00:00:00Z');

test('renewal is due at four fifths of the lifetime', () => {
  assert.equal(renewalTime(issuedAt, notAfter).toISOString(), '2030-01-01T19:12:00.000Z');
  assert.equal(renewalTime(new Date(0), new Date(5000)).getTime(), 4000);
});

const inputs: IdentityInputs = {
  mesh: 'default',
  backend: 'ca-1',
  tags: { 'kuma.io/service': ['web'], version: ['v1', 'v2'] },
  lifetimeMs: 86_400_000,
};
const key = identityKeyOf(inputs);
const issued = { issuedAt, notAfter, identityKey: key };

test('an unchanged identity is renewed only from its renewal time on', () => {
  assert.equal(needsRenewal(issued, new Date('2030-01-01T19:11:59.999Z'), key), false);
  assert.equal(needsRenewal(issued, new Date('2030-01-01T19:12:00.000Z'), key), true);
  assert.equal(needsRenewal(issued, new Date('2030-01-03T00:00:00Z'), key), true);
});

test('a changed identity is renewed at once', () => {
  const early = new Date('2030-01-01T00:00:01Z');
  for (const changed of [
    { ...inputs, mesh: 'other' },
    { ...inputs, backend: 'ca-2' },
    { ...inputs, lifetimeMs: 3_600_000 },
    { ...inputs, tags: { ...inputs.tags, version: ['v1'] } },
    { ...inputs, tags: { ...inputs.tags, zone: ['east'] } },
    { ...inputs, caFingerprint: 'ab12' },
  ]) {
    assert.equal(needsRenewal(issued, early, identityKeyOf(changed)), true, JSON.stringify(changed));
  }
  assert.equal(needsRenewal(issued, early, key), false);
});

test('the identity key ignores tag order, value order, duplicates and tags without values', () => {
  const reordered = identityKeyOf({
    ...inputs,
    tags: { version: ['v2', 'v1', 'v2'], 'kuma.io/service': ['web'], empty: [] },
  });
  assert.equal(reordered, key);
});

test('values that could be confused when concatenated give different keys', () => {
  const a = identityKeyOf({ ...inputs, tags: { a: ['b,c'] } });
  const b = identityKeyOf({ ...inputs, tags: { a: ['b', 'c'] } });
  assert.notEqual(a, b);
});
