import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { toJson } from '@bufbuild/protobuf';
import { FilterSchema } from '../../xds/envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { HttpFilterSchema } from '../../xds/envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { typeFirst } from '../../xds/generate/json.js';
import { expectGolden, srcPath } from '../core/testkit/golden.js';
import { envoyRegistry, validateMessage } from '../../xds/validate/index.js';
import { permissionCases } from './cases.js';
import { httpRbacFilter, networkRbacFilter, trafficPermissionRbac } from './rbac.js';
import { inputFor, mtp, outcomeFor, service } from './testing.js';

const testdata = srcPath('src/policies/meshtrafficpermission/testdata');
const GOLDEN_CASES = [
  'mesh-allow-service-deny',
  'service-subset-deny-under-service-allow',
  'allow-with-shadow-deny',
  'from-and-rules',
];

for (const c of permissionCases) {
  test(`${c.name}: each client gets what Kuma decides`, () => {
    const rbac = trafficPermissionRbac(inputFor(c.policies));
    for (const [who, peer, outcome] of c.expect) assert.equal(outcomeFor(rbac, peer), outcome, who);
  });

  test(`${c.name}: both filters pass Envoy's validation rules`, () => {
    const input = inputFor(c.policies);
    assert.deepEqual(validateMessage(HttpFilterSchema, httpRbacFilter(input)), []);
    assert.deepEqual(validateMessage(FilterSchema, networkRbacFilter(input, 'inbound_10_0_0_1_8080.')), []);
  });
}

for (const name of GOLDEN_CASES) {
  test(`${name}: the generated filters equal their golden files`, () => {
    const c = permissionCases.find((candidate) => candidate.name === name);
    assert.ok(c, `no case ${name}`);
    const input = inputFor(c.policies);
    const json = (value: Parameters<typeof typeFirst>[0]) => `${JSON.stringify(typeFirst(value), null, 2)}\n`;
    expectGolden(
      join(testdata, `${name}.http.golden.json`),
      json(toJson(HttpFilterSchema, httpRbacFilter(input), { registry: envoyRegistry })),
    );
    expectGolden(
      join(testdata, `${name}.network.golden.json`),
      json(toJson(FilterSchema, networkRbacFilter(input, 'inbound_10_0_0_1_8080.'), { registry: envoyRegistry })),
    );
  });
}

test('no shadow engine is generated unless some client is allowed with a shadow deny', () => {
  const withoutShadow = permissionCases.filter(
    (c) => !c.expect.some(([, , outcome]) => outcome === 'AllowWithShadowDeny'),
  );
  assert.ok(withoutShadow.length >= 5);
  for (const c of withoutShadow)
    assert.equal(trafficPermissionRbac(inputFor(c.policies)).shadowRules, undefined, c.name);
});

test('a client of the right service but another mesh never matches: identities are per mesh', () => {
  const policies = [
    mtp('p', { from: [{ targetRef: { kind: 'MeshService', name: 'frontend' }, default: { action: 'Allow' } }] }),
  ];
  const rbac = trafficPermissionRbac(inputFor(policies, 'prod'));
  assert.equal(outcomeFor(rbac, service('frontend', {}, 'prod')), 'Allow');
  assert.equal(outcomeFor(rbac, service('frontend', {}, 'default')), 'Deny');
});

test('a from rule whose conf has no known action denies (fails closed)', () => {
  const rule = inputFor([mtp('p', { from: [{ targetRef: { kind: 'Mesh' }, default: { action: 'Allow' } }] })])
    .fromRules[0]!;
  const rbac = trafficPermissionRbac({ mesh: 'default', fromRules: [{ ...rule, conf: { action: 'Maybe' } }] });
  assert.equal(outcomeFor(rbac, service('frontend')), 'Deny');
});

test('Envoy policy names say which source and which policy let a client in', () => {
  const c = permissionCases.find((candidate) => candidate.name === 'from-and-rules')!;
  assert.deepEqual(Object.keys(trafficPermissionRbac(inputFor(c.policies)).rules.policies), [
    'from MeshService frontend (from-form)',
    'rules (rules-form)',
  ]);
});
