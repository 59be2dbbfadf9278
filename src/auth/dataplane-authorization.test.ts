import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKogumaError } from '../api/errors.js';
import { authorizeDataplane, type AuthorizingClaims, type DataplaneRegistration } from './dataplane-authorization.js';

const token = (claims: Partial<AuthorizingClaims> = {}): AuthorizingClaims => ({
  mesh: 'default',
  tags: {},
  type: 'dataplane',
  ...claims,
});
const web = (
  inboundTags: Record<string, string>[] = [{ 'kuma.io/service': 'web' }],
  extra: Partial<DataplaneRegistration> = {},
): DataplaneRegistration => ({
  mesh: 'default',
  name: 'web-1',
  inboundTags,
  ...extra,
});

function forbidden(claims: AuthorizingClaims, registration: DataplaneRegistration, message: RegExp): void {
  assert.throws(
    () => authorizeDataplane(claims, registration),
    (error) => {
      assert.ok(isKogumaError(error, 'Forbidden'), `expected Forbidden, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

test('a token bound to a name, mesh and service allows exactly that dataplane', () => {
  authorizeDataplane(token({ name: 'web-1', tags: { 'kuma.io/service': ['web'] } }), web());
});

test('threat: a token of one mesh registers a dataplane in another', () => {
  forbidden(
    token({ mesh: 'payments' }),
    web(),
    /^the dataplane token does not allow dataplane "web-1" in mesh "default": the token is for mesh "payments"$/,
  );
});

test('threat: a token for dataplane A registers or configures dataplane B', () => {
  forbidden(
    token({ name: 'web-1' }),
    web(undefined, { name: 'db-1' }),
    /dataplane "db-1" in mesh "default": the token is for dataplane "web-1"$/,
  );
});

test('a token without a name is valid for any dataplane of its mesh, as in Kuma', () => {
  authorizeDataplane(token(), web(undefined, { name: 'anything-1' }));
  authorizeDataplane(token(), web(undefined, { name: 'anything-2' }));
});

test('threat: a token limited to service web registers as service db to get its certificate', () => {
  forbidden(
    token({ tags: { 'kuma.io/service': ['web'] } }),
    web([{ 'kuma.io/service': 'db' }]),
    /inbound\[0\] tag kuma.io\/service=db is not allowed \(the token allows "web"\)/,
  );
});

test('threat: one allowed inbound hides a second inbound with a forbidden value', () => {
  const claims = token({ tags: { 'kuma.io/service': ['web'] } });
  forbidden(
    claims,
    web([{ 'kuma.io/service': 'web' }, { 'kuma.io/service': 'db' }]),
    /inbound\[1\] tag kuma.io\/service=db is not allowed/,
  );
});

test('every allowed value of a listed key may be used, on any inbound', () => {
  const claims = token({ tags: { 'kuma.io/service': ['web', 'web-api'] } });
  authorizeDataplane(claims, web([{ 'kuma.io/service': 'web' }, { 'kuma.io/service': 'web-api' }]));
});

test('keys the token does not list are unconstrained', () => {
  const claims = token({ tags: { 'kuma.io/service': ['web'] } });
  authorizeDataplane(claims, web([{ 'kuma.io/service': 'web', version: 'v2', 'kuma.io/zone': 'east' }]));
});

test('threat: a forbidden value on a key other than the service, e.g. a team or zone tag', () => {
  const claims = token({ tags: { 'kuma.io/service': ['web'], team: ['frontend'] } });
  forbidden(
    claims,
    web([{ 'kuma.io/service': 'web', team: 'billing' }]),
    /inbound\[0\] tag team=billing is not allowed \(the token allows "frontend"\)$/,
  );
});

test('a listed key with no values allows no inbound to carry that key', () => {
  const claims = token({ tags: { privileged: [] } });
  authorizeDataplane(claims, web());
  forbidden(
    claims,
    web([{ 'kuma.io/service': 'web', privileged: 'true' }]),
    /tag privileged=true is not allowed \(the token allows no value\)/,
  );
});

test('values are compared exactly: no prefix, case or whitespace leeway', () => {
  const claims = token({ tags: { 'kuma.io/service': ['web'] } });
  for (const value of ['web-evil', 'we', 'Web', 'web ', '']) {
    forbidden(claims, web([{ 'kuma.io/service': value }]), /is not allowed/);
  }
});

test('threat: tag keys named like Object.prototype members are ordinary keys', () => {
  authorizeDataplane(token(), web([{ 'kuma.io/service': 'web', constructor: 'x', toString: 'y' }]));
  const inbound = JSON.parse('{"kuma.io/service": "web", "__proto__": "evil"}') as Record<string, string>;
  forbidden(
    token({ tags: JSON.parse('{"__proto__": ["good"]}') }),
    web([inbound]),
    /tag __proto__=evil is not allowed/,
  );
});

test('threat: a dataplane token stands up an ingress or egress, or the reverse', () => {
  forbidden(token(), web([], { type: 'egress' }), /the token is for a proxy of type dataplane, not egress/);
  forbidden(token({ type: 'ingress' }), web(), /the token is for a proxy of type ingress, not dataplane/);
  authorizeDataplane(token({ type: 'egress' }), web([], { type: 'egress' }));
});

test('a gateway passes its gateway tags as its one set of tags', () => {
  const claims = token({ tags: { 'kuma.io/service': ['edge'] } });
  authorizeDataplane(claims, web([{ 'kuma.io/service': 'edge' }], { name: 'edge-1' }));
  forbidden(claims, web([{ 'kuma.io/service': 'web' }], { name: 'edge-1' }), /tag kuma.io\/service=web is not allowed/);
});

test('every problem is named in one error, so an operator fixes them all at once', () => {
  const claims = token({ name: 'web-1', tags: { 'kuma.io/service': ['web'], team: ['a'] } });
  forbidden(
    claims,
    web([{ 'kuma.io/service': 'db', team: 'b' }], { name: 'db-1' }),
    /: the token is for dataplane "web-1"; inbound\[0\] tag kuma.io\/service=db is not allowed \(the token allows "web"\); inbound\[0\] tag team=b is not allowed \(the token allows "a"\)$/,
  );
});
