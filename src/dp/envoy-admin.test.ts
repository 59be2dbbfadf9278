import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminTarget } from './envoy-admin.js';

test('the admin address Envoy writes is reached as written, a wildcard on loopback', () => {
  assert.deepEqual(adminTarget('127.0.0.1:9901\n'), { host: '127.0.0.1', port: 9901 });
  assert.deepEqual(adminTarget('0.0.0.0:9901'), { host: '127.0.0.1', port: 9901 });
  assert.deepEqual(adminTarget('[::1]:9901'), { host: '::1', port: 9901 });
  assert.deepEqual(adminTarget('[::]:9901'), { host: '::1', port: 9901 });
  assert.equal(adminTarget(''), undefined, 'a file Envoy has only begun to write');
});
