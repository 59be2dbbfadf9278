import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MeshTrustKind } from './meshtrust.js';
import { expectAccepted, expectRefusedAt } from './testing.js';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const trust = (spec: unknown) => ({ type: 'MeshTrust', mesh: 'default', name: 'trust', spec });

describe('MeshTrust', () => {
  it('accepts a PEM bundle for a trust domain, and warns of the deprecated spec.origin', () => {
    expectAccepted(
      trust({ trustDomain: 'default.zone-1.mesh.local', caBundles: [{ type: 'Pem', pem: { value: pem } }] }),
    );
    const spec = {
      trustDomain: 'example.com',
      caBundles: [{ type: 'Pem' as const, pem: { value: pem } }],
      origin: { kri: 'x' },
    };
    assert.deepEqual(MeshTrustKind.warnings!({ mesh: 'default', name: 't', labels: {}, spec }), [
      'setting spec.origin field is deprecated',
    ]);
  });

  it('refuses no bundles, no trust domain, a bundle without PEM and a private key as a bundle', () => {
    expectRefusedAt(trust({ caBundles: [] }), ['spec.trustDomain', 'spec.caBundles']);
    expectRefusedAt(
      trust({
        trustDomain: 'example.com',
        caBundles: [
          { type: 'Pem' },
          { type: 'Pem', pem: { value: '-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----' } },
        ],
      }),
      ['spec.caBundles[0].pem', 'spec.caBundles[1].pem.value'],
    );
  });
});
