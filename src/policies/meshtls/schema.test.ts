import { describe, it } from 'node:test';
import { expectIssues, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const tls = (spec: unknown) => policyDocument('MeshTLS', spec, 'strict-tls');

const meshWide = {
  targetRef: { kind: 'Mesh' },
  rules: [
    {
      default: {
        tlsVersion: { min: 'TLS12', max: 'TLS13' },
        tlsCiphers: ['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
        mode: 'Strict',
      },
    },
  ],
};

describe('MeshTLS schema', () => {
  it('accepts mesh-wide versions, ciphers and mode, keeping the spec as given', () => {
    expectValidAsGiven(tls(meshWide), { name: 'MeshTLS', shortName: 'mtls', order: 300 });
  });

  it('accepts a permissive mode for some dataplanes through from', () => {
    const spec = {
      targetRef: { kind: 'Dataplane', labels: { app: 'legacy' } },
      from: [{ targetRef: { kind: 'Mesh' }, default: { mode: 'Permissive' } }],
    };
    expectValidAsGiven(tls(spec));
  });

  it('accepts TLSAuto on either side of a version range', () => {
    const spec = { rules: [{ default: { tlsVersion: { min: 'TLS13', max: 'TLSAuto' } } }] };
    expectValidAsGiven(tls(spec));
  });

  it('rejects a minimum version above the maximum', () => {
    const spec = { rules: [{ default: { tlsVersion: { min: 'TLS13', max: 'TLS12' } } }] };
    expectIssues(tls(spec), [
      { field: 'spec.rules[0].default.tlsVersion.min', reason: 'must not be higher than max (TLS12)' },
    ]);
  });

  it('rejects versions and ciphers unless the top-level targetRef is Mesh', () => {
    const spec = {
      targetRef: { kind: 'Dataplane', name: 'web-1' },
      rules: [{ default: { tlsVersion: { min: 'TLS12' }, tlsCiphers: ['ECDHE-RSA-AES128-GCM-SHA256'] } }],
    };
    expectIssues(tls(spec), [
      {
        field: 'spec.rules[0].default.tlsCiphers',
        reason: 'can only be set when the top-level targetRef kind is Mesh',
      },
      {
        field: 'spec.rules[0].default.tlsVersion',
        reason: 'can only be set when the top-level targetRef kind is Mesh',
      },
    ]);
  });

  it('rejects from together with rules', () => {
    const spec = {
      rules: [{ default: { mode: 'Strict' } }],
      from: [{ targetRef: { kind: 'Mesh' }, default: { mode: 'Strict' } }],
    };
    expectIssues(tls(spec), [{ field: 'spec.from', reason: 'must be empty when rules is set' }]);
  });

  it('rejects an unknown mode, version and cipher', () => {
    const spec = { rules: [{ default: { mode: 'STRICT', tlsVersion: { max: 'TLS14' }, tlsCiphers: ['AES128-SHA'] } }] };
    expectIssues(tls(spec), [
      { field: 'spec.rules[0].default.tlsVersion.max', reason: 'must be one of: TLSAuto, TLS10, TLS11, TLS12, TLS13' },
      {
        field: 'spec.rules[0].default.tlsCiphers[0]',
        reason:
          'must be one of: ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-ECDSA-AES256-GCM-SHA384, ECDHE-ECDSA-CHACHA20-POLY1305, ECDHE-RSA-AES128-GCM-SHA256, ECDHE-RSA-AES256-GCM-SHA384, ECDHE-RSA-CHACHA20-POLY1305',
      },
      { field: 'spec.rules[0].default.mode', reason: 'must be one of: Permissive, Strict' },
    ]);
  });

  it('rejects a top-level targetRef kind other than Mesh, MeshSubset or Dataplane', () => {
    const spec = { targetRef: { kind: 'MeshService', name: 'web' }, rules: [{ default: { mode: 'Strict' } }] };
    expectIssues(tls(spec), [{ field: 'spec.targetRef.kind', reason: 'must be one of: Mesh, MeshSubset, Dataplane' }]);
  });

  it('rejects a from source other than Mesh', () => {
    const spec = { from: [{ targetRef: { kind: 'MeshService', name: 'web' }, default: { mode: 'Strict' } }] };
    expectIssues(tls(spec), [{ field: 'spec.from[0].targetRef.kind', reason: 'must be "Mesh"' }]);
  });
});
