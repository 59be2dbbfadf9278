import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toJson } from '@bufbuild/protobuf';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { FilterSchema } from '../../envoy/gen/envoy/config/listener/v3/listener_components_pb.js';
import { PrincipalSchema, RBACSchema } from '../../envoy/gen/envoy/config/rbac/v3/rbac_pb.js';
import { RBACSchema as HttpRbacSchema } from '../../envoy/gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js';
import { RBACSchema as NetworkRbacSchema } from '../../envoy/gen/envoy/extensions/filters/network/rbac/v3/rbac_pb.js';
import { HttpFilterSchema } from '../../envoy/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { envoyRegistry, validateMessage } from '../../validate/index.js';
import {
  allOfPrincipals,
  anyOfPrincipals,
  anyPrincipal,
  authenticatedPrincipal,
  buildHttpRbacFilter,
  buildNetworkRbacFilter,
  buildRbac,
  buildRbacPolicy,
  HTTP_RBAC_FILTER_NAME,
  NETWORK_RBAC_FILTER_NAME,
  notPrincipal,
  RBAC_Action,
} from './rbac.js';

const frontend = authenticatedPrincipal({ exact: 'spiffe://default/frontend' });
const member = authenticatedPrincipal({ prefix: 'spiffe://default/' });
const principalJson = (p: Parameters<typeof toJson<typeof PrincipalSchema>>[1]) => toJson(PrincipalSchema, p);

test('an authenticated principal matches the peer name exactly or by prefix; the any principal needs nothing', () => {
  assert.deepEqual(principalJson(frontend), {
    authenticated: { principalName: { exact: 'spiffe://default/frontend' } },
  });
  assert.deepEqual(principalJson(member), { authenticated: { principalName: { prefix: 'spiffe://default/' } } });
  assert.deepEqual(principalJson(anyPrincipal()), { any: true });
});

test('an empty principal name is refused: gRPC would match it against a peer without a certificate', () => {
  assert.throws(() => authenticatedPrincipal({ exact: '' }), RangeError);
  assert.throws(() => authenticatedPrincipal({ prefix: '' }), RangeError);
});

test('sets of one principal are the principal itself; sets of several are and_ids / or_ids', () => {
  assert.equal(allOfPrincipals([frontend]), frontend);
  assert.equal(anyOfPrincipals([frontend]), frontend);
  assert.deepEqual(principalJson(allOfPrincipals([member, notPrincipal(frontend)])), {
    andIds: { ids: [principalJson(member), { notId: principalJson(frontend) }] },
  });
  assert.deepEqual(principalJson(anyOfPrincipals([frontend, member])), {
    orIds: { ids: [principalJson(frontend), principalJson(member)] },
  });
});

test('a set inside a set of the same kind is spliced in; one of the other kind is kept', () => {
  const backend = authenticatedPrincipal({ exact: 'spiffe://default/backend' });
  const ids = (p: ReturnType<typeof allOfPrincipals>) =>
    p.identifier.case === 'andIds' || p.identifier.case === 'orIds' ? p.identifier.value.ids : [];
  assert.deepEqual(ids(allOfPrincipals([member, allOfPrincipals([frontend, backend])])), [member, frontend, backend]);
  assert.deepEqual(ids(anyOfPrincipals([anyOfPrincipals([frontend, backend]), member])), [frontend, backend, member]);
  const mixed = allOfPrincipals([member, anyOfPrincipals([frontend, backend])]);
  assert.equal(ids(mixed).length, 2);
  assert.equal(ids(mixed)[1]?.identifier.case, 'orIds');
});

test('empty principal sets throw rather than guess between "everyone" and "no one"', () => {
  assert.throws(() => allOfPrincipals([]), RangeError);
  assert.throws(() => anyOfPrincipals([]), RangeError);
});

test('an RBAC engine keeps its policies in the order given and refuses a name twice', () => {
  const rbac = buildRbac(RBAC_Action.ALLOW, [
    ['z', buildRbacPolicy([frontend])],
    ['a', buildRbacPolicy([member])],
  ]);
  assert.deepEqual(Object.keys(rbac.policies), ['z', 'a']);
  assert.deepEqual(toJson(RBACSchema, rbac), {
    policies: {
      z: { permissions: [{ any: true }], principals: [principalJson(frontend)] },
      a: { permissions: [{ any: true }], principals: [principalJson(member)] },
    },
  });
  assert.throws(
    () =>
      buildRbac(RBAC_Action.DENY, [
        ['x', buildRbacPolicy([frontend])],
        ['x', buildRbacPolicy([member])],
      ]),
    /"x" used twice/,
  );
});

const rules = buildRbac(RBAC_Action.ALLOW, [['frontend', buildRbacPolicy([frontend])]]);
const shadowRules = buildRbac(RBAC_Action.ALLOW, []);

test('the HTTP filter carries the engine, and the shadow engine only when given', () => {
  const filter = buildHttpRbacFilter({ rules, shadowRules });
  assert.equal(filter.name, HTTP_RBAC_FILTER_NAME);
  assert.equal(filter.isOptional, false);
  assert.equal(filter.configType.case, 'typedConfig');
  const config = anyUnpack(filter.configType.value, HttpRbacSchema);
  assert.deepEqual(config?.rules, rules);
  assert.deepEqual(config?.shadowRules, shadowRules);
  const withPrefix = buildHttpRbacFilter({ rules, statPrefix: 'mtp.' });
  assert.equal(withPrefix.configType.case, 'typedConfig');
  const withoutShadow = anyUnpack(withPrefix.configType.value, HttpRbacSchema);
  assert.equal(withoutShadow?.shadowRules, undefined);
  assert.equal(withoutShadow?.rulesStatPrefix, 'mtp.');
});

test('the network filter carries the engine and its stat prefix', () => {
  const filter = buildNetworkRbacFilter({ rules, shadowRules, statPrefix: 'inbound_8080.' });
  assert.equal(filter.name, NETWORK_RBAC_FILTER_NAME);
  assert.equal(filter.configType.case, 'typedConfig');
  const config = anyUnpack(filter.configType.value, NetworkRbacSchema);
  assert.equal(config?.statPrefix, 'inbound_8080.');
  assert.deepEqual(config?.rules, rules);
  assert.deepEqual(config?.shadowRules, shadowRules);
});

test('built filters pass Envoy validation, and a missing network stat prefix does not', () => {
  assert.deepEqual(validateMessage(HttpFilterSchema, buildHttpRbacFilter({ rules, shadowRules })), []);
  assert.deepEqual(validateMessage(FilterSchema, buildNetworkRbacFilter({ rules, statPrefix: 'in.' })), []);
  const violations = validateMessage(FilterSchema, buildNetworkRbacFilter({ rules, statPrefix: '' }), {
    registry: envoyRegistry,
  });
  assert.deepEqual(
    violations.map((v) => [v.path, v.rule]),
    [['typed_config.stat_prefix', 'string.min_len']],
  );
});
