import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toJson } from '@bufbuild/protobuf';
import { PrincipalSchema } from '../../xds/envoy/gen/envoy/config/rbac/v3/rbac_pb.js';
import { groupPrincipal, sansOfTags, spiffeMatchPrincipal } from './client-principals.js';

const authenticated = (match: Record<string, string>) => ({ authenticated: { principalName: match } });

test('a service is named by its SPIFFE ID, every other tag by its kuma:// URI, in tag order', () => {
  assert.deepEqual(sansOfTags('default', { zone: 'east', 'kuma.io/service': 'web', team: 'pay' }), [
    { exact: 'spiffe://default/web' },
    { exact: 'kuma://team/pay' },
    { exact: 'kuma://zone/east' },
  ]);
});

test('the whole mesh is any SPIFFE ID under its trust domain, never `any`', () => {
  assert.deepEqual(toJson(PrincipalSchema, groupPrincipal('prod', {})), authenticated({ prefix: 'spiffe://prod/' }));
});

test('a group without a service also requires mesh membership; a service implies it', () => {
  assert.deepEqual(toJson(PrincipalSchema, groupPrincipal('default', { team: 'pay' })), {
    andIds: { ids: [authenticated({ prefix: 'spiffe://default/' }), authenticated({ exact: 'kuma://team/pay' })] },
  });
  assert.deepEqual(
    toJson(PrincipalSchema, groupPrincipal('default', { 'kuma.io/service': 'web' })),
    authenticated({ exact: 'spiffe://default/web' }),
  );
});

test('a rules[] SPIFFE ID match is taken literally', () => {
  assert.deepEqual(
    toJson(PrincipalSchema, spiffeMatchPrincipal({ spiffeID: { type: 'Prefix', value: 'spiffe://td' } })),
    authenticated({ prefix: 'spiffe://td' }),
  );
  assert.deepEqual(
    toJson(PrincipalSchema, spiffeMatchPrincipal({ spiffeID: { type: 'Exact', value: 'spiffe://td/a' } })),
    authenticated({ exact: 'spiffe://td/a' }),
  );
});
