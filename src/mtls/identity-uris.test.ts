import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kumaTagUri, spiffeId, spiffeTrustDomain, workloadUris } from './identity-uris.js';

test('SPIFFE IDs and tag URIs follow Kuma', () => {
  assert.equal(spiffeTrustDomain('default'), 'spiffe://default');
  assert.equal(spiffeId('default', 'backend_kuma-demo_svc_8080'), 'spiffe://default/backend_kuma-demo_svc_8080');
  assert.equal(kumaTagUri('kuma.io/zone', 'east'), 'kuma://kuma.io/zone/east');
});

test('workloadUris lists SPIFFE IDs first, then tag URIs, each sorted without duplicates', () => {
  assert.deepEqual(workloadUris('m', { version: ['v2', 'v1'], 'kuma.io/service': ['web', 'api', 'web'] }), [
    'spiffe://m/api',
    'spiffe://m/web',
    'kuma://kuma.io/service/api',
    'kuma://kuma.io/service/web',
    'kuma://version/v1',
    'kuma://version/v2',
  ]);
});

test('a proxy without a service tag has no SPIFFE ID', () => {
  assert.deepEqual(workloadUris('m', { version: ['v1'] }), ['kuma://version/v1']);
});
