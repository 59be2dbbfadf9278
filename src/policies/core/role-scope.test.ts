import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Labels } from '../../api/index.js';
import { roleAdmits } from './role-scope.js';

const policy = (labels: Labels) => ({ labels });
const NS = 'k8s.kuma.io/namespace';

test('a consumer policy reaches only proxies of its own namespace', () => {
  const consumer = policy({ 'kuma.io/policy-role': 'consumer', [NS]: 'kuma-demo' });
  assert.equal(roleAdmits(consumer, { [NS]: 'kuma-demo' }), true);
  assert.equal(roleAdmits(consumer, { [NS]: 'other' }), false);
  assert.equal(roleAdmits(consumer, {}), false);
});

test('a workload-owner policy without a namespace reaches no proxy', () => {
  assert.equal(roleAdmits(policy({ 'kuma.io/policy-role': 'workload-owner' }), { [NS]: 'kuma-demo' }), false);
});

test('a system policy, or one without a role, reaches every namespace', () => {
  assert.equal(roleAdmits(policy({}), { [NS]: 'a' }), true);
  assert.equal(roleAdmits(policy({ 'kuma.io/policy-role': 'system', [NS]: 'b' }), { [NS]: 'a' }), true);
});

test("a zone's policy reaches that zone's proxies and those of no zone, not another zone's", () => {
  const zonal = policy({ 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east' });
  assert.equal(roleAdmits(zonal, { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east' }), true);
  assert.equal(roleAdmits(zonal, { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'west' }), false);
  assert.equal(roleAdmits(zonal, { 'kuma.io/origin': 'zone' }), true, 'a zone proxy older than the zone label');
  assert.equal(roleAdmits(zonal, {}), true);
  assert.equal(roleAdmits(zonal, { 'kuma.io/origin': 'global' }), true);
});

test('a producer policy reaches every zone', () => {
  const producer = policy({ 'kuma.io/policy-role': 'producer', 'kuma.io/origin': 'zone', 'kuma.io/zone': 'east' });
  assert.equal(roleAdmits(producer, { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'west' }), true);
});
