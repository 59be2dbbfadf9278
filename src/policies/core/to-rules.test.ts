import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policy } from './matching-fixtures.js';
import { matchedOn } from './testkit/policies.js';
import { resolveTo, toTargetRefCovers, type Destination } from './to-rules.js';
import type { TargetRef } from './targetref.js';

const backend: Destination = { kind: 'MeshService', service: 'backend', port: 8080 };
const backendHttp: Destination = {
  kind: 'MeshService',
  service: 'backend',
  sectionName: 'http',
  port: 8080,
  labels: { team: 'b' },
};
const httpbin: Destination = { kind: 'MeshExternalService', service: 'httpbin' };
const global: Destination = { kind: 'MeshMultiZoneService', service: 'backend', port: 8080 };

const coverage: { ref: TargetRef; destination: Destination; covers: boolean }[] = [
  { ref: { kind: 'Mesh' }, destination: backend, covers: true },
  { ref: { kind: 'Mesh' }, destination: httpbin, covers: true },
  { ref: { kind: 'MeshService', name: 'backend' }, destination: backend, covers: true },
  { ref: { kind: 'MeshService', name: 'web' }, destination: backend, covers: false },
  { ref: { kind: 'MeshService', name: 'backend' }, destination: global, covers: false },
  { ref: { kind: 'MeshService', name: 'backend', sectionName: '8080' }, destination: backend, covers: true },
  { ref: { kind: 'MeshService', name: 'backend', sectionName: '9090' }, destination: backend, covers: false },
  { ref: { kind: 'MeshService', name: 'backend', sectionName: 'http' }, destination: backendHttp, covers: true },
  { ref: { kind: 'MeshService', name: 'backend', sectionName: '8080' }, destination: backendHttp, covers: false },
  {
    ref: { kind: 'MeshService', name: 'backend', sectionName: 'http' },
    destination: { kind: 'MeshService', service: 'backend' },
    covers: false,
  },
  { ref: { kind: 'MeshService', labels: { team: 'b' } }, destination: backendHttp, covers: true },
  { ref: { kind: 'MeshService', labels: { team: 'c' } }, destination: backendHttp, covers: false },
  { ref: { kind: 'MeshService', labels: { team: 'b' } }, destination: backend, covers: false },
  { ref: { kind: 'MeshExternalService', name: 'httpbin' }, destination: httpbin, covers: true },
  {
    ref: { kind: 'MeshExternalService', name: 'httpbin' },
    destination: { kind: 'MeshService', service: 'httpbin' },
    covers: false,
  },
  { ref: { kind: 'MeshMultiZoneService', name: 'backend' }, destination: global, covers: true },
  { ref: { kind: 'MeshHTTPRoute', name: 'backend' }, destination: backend, covers: false },
];

for (const c of coverage) {
  const { kind, service, sectionName, port } = c.destination;
  const where = sectionName ?? port;
  test(`to: ${JSON.stringify(c.ref)} ${c.covers ? 'covers' : 'does not cover'} ${kind} ${service}${where === undefined ? '' : `:${where}`}`, () => {
    assert.equal(toTargetRefCovers(c.ref, c.destination), c.covers);
  });
}

const to = (targetRef: TargetRef, conf: unknown) => ({ targetRef, default: conf });

test('to: within a policy, the destination kind orders entries, not their position', () => {
  const p = policy('p', {
    to: [
      to({ kind: 'MeshService', name: 'backend', sectionName: '8080' }, { idleTimeout: 'section' }),
      to({ kind: 'MeshService', name: 'backend' }, { idleTimeout: 'service', connectionTimeout: 'service' }),
      to({ kind: 'Mesh' }, { idleTimeout: 'mesh', connectionTimeout: 'mesh', http: { requestTimeout: 'mesh' } }),
    ],
  });
  const resolved = resolveTo(matchedOn([0], p), backend);
  assert.deepEqual(
    resolved.entries.map((e) => e.index),
    [2, 1, 0],
  );
  assert.deepEqual(resolved.conf, {
    idleTimeout: 'section',
    connectionTimeout: 'service',
    http: { requestTimeout: 'mesh' },
  });
});

test('to: between policies that differ only in name, a MeshService entry beats a Mesh entry whatever the names', () => {
  const a = policy('a', { to: [to({ kind: 'Mesh' }, { idleTimeout: 'a-mesh' })] });
  const b = policy('b', { to: [to({ kind: 'MeshService', name: 'backend' }, { idleTimeout: 'b-service' })] });
  assert.deepEqual(resolveTo(matchedOn([0], a, b), backend).conf, { idleTimeout: 'b-service' });
  assert.deepEqual(resolveTo(matchedOn([0], b, a), backend).conf, { idleTimeout: 'b-service' });
});

test('to: entries of the same destination kind are ordered by policy name, the smaller name winning', () => {
  const a = policy('a', { to: [to({ kind: 'Mesh' }, { idleTimeout: 'a' })] });
  const b = policy('b', { to: [to({ kind: 'Mesh' }, { idleTimeout: 'b' })] });
  assert.deepEqual(resolveTo(matchedOn([0], a, b), backend).conf, { idleTimeout: 'a' });
});

test('to: the top-level priority comes before the destination kind', () => {
  const forAll = policy('for-all', {
    targetRef: { kind: 'Mesh' },
    to: [to({ kind: 'MeshService', name: 'backend' }, { idleTimeout: 'mesh-policy' })],
  });
  const forWeb = policy('for-web', {
    targetRef: { kind: 'Dataplane', name: 'web-1' },
    to: [to({ kind: 'Mesh' }, { idleTimeout: 'dataplane-policy' })],
  });
  assert.deepEqual(resolveTo(matchedOn([0], forWeb, forAll), backend).conf, { idleTimeout: 'dataplane-policy' });
});

test('to: each destination gets only the entries that cover it', () => {
  const p = policy('p', {
    to: [
      to({ kind: 'Mesh' }, { connectionTimeout: '5s' }),
      to({ kind: 'MeshService', name: 'backend' }, { connectionTimeout: '1s' }),
      to({ kind: 'MeshExternalService', name: 'httpbin' }, { connectionTimeout: '30s' }),
    ],
  });
  const matched = matchedOn([0], p);
  assert.deepEqual(resolveTo(matched, backend).conf, { connectionTimeout: '1s' });
  assert.deepEqual(resolveTo(matched, httpbin).conf, { connectionTimeout: '30s' });
  assert.deepEqual(resolveTo(matched, { kind: 'MeshService', service: 'web' }).conf, { connectionTimeout: '5s' });
});

test('to: nothing covers the destination, or no policy matched', () => {
  const p = policy('p', { to: [to({ kind: 'MeshService', name: 'web' }, { idleTimeout: '1s' })] });
  assert.deepEqual(resolveTo(matchedOn([0], p), backend), { conf: undefined, entries: [] });
  assert.deepEqual(resolveTo([], backend), { conf: undefined, entries: [] });
});

test('to: an entry without default takes part but sets nothing', () => {
  const p = policy('p', {
    to: [{ targetRef: { kind: 'Mesh' } }, to({ kind: 'MeshService', name: 'backend' }, { idleTimeout: '1s' })],
  });
  const resolved = resolveTo(matchedOn([0], p), backend);
  assert.equal(resolved.entries.length, 2);
  assert.deepEqual(resolved.conf, { idleTimeout: '1s' });
});
