import { describe, it } from 'node:test';
import { expectIssues, expectValidAsGiven, policyDocument } from '../core/testkit/documents.js';

const passthrough = (spec: unknown) => policyDocument('MeshPassthrough', spec, 'allow-some');

const matching = (...appendMatch: unknown[]) => ({
  targetRef: { kind: 'Mesh' },
  default: { passthroughMode: 'Matched', appendMatch },
});

const allowSome = {
  targetRef: { kind: 'Dataplane', labels: { app: 'demo-app' } },
  default: {
    passthroughMode: 'Matched',
    appendMatch: [
      { type: 'Domain', value: 'httpbin.org', port: 80, protocol: 'http' },
      { type: 'Domain', value: '*.example.com', protocol: 'tls' },
      { type: 'IP', value: '10.240.15.39', port: 8080, protocol: 'tcp' },
      { type: 'IP', value: 'fd00::1' },
      { type: 'CIDR', value: '10.250.0.0/16', port: 10000 },
      { type: 'Domain', value: 'api.example.com', port: 443, protocol: 'tls' },
    ],
  },
};

describe('MeshPassthrough schema', () => {
  it('accepts domains, IPs and CIDRs to let through, keeping the spec as given', () => {
    expectValidAsGiven(passthrough(allowSome), { name: 'MeshPassthrough', shortName: 'mp', order: 500 });
  });

  it('accepts a mode without matches', () => {
    const spec = { default: { passthroughMode: 'None' } };
    expectValidAsGiven(passthrough(spec));
  });

  it('rejects a malformed IP and CIDR', () => {
    expectIssues(
      passthrough(
        matching(
          { type: 'IP', value: '10.0.0.300' },
          { type: 'CIDR', value: '10.0.0.0/33' },
          { type: 'CIDR', value: '10.0.0.0' },
        ),
      ),
      [
        { field: 'spec.default.appendMatch[0].value', reason: 'must be a valid IP address' },
        { field: 'spec.default.appendMatch[1].value', reason: 'must be a valid CIDR like 10.0.0.0/8' },
        { field: 'spec.default.appendMatch[2].value', reason: 'must be a valid CIDR like 10.0.0.0/8' },
      ],
    );
  });

  it('rejects a domain without a port and a domain over plain tcp', () => {
    expectIssues(
      passthrough(
        matching(
          { type: 'Domain', value: 'httpbin.org', protocol: 'http' },
          { type: 'Domain', value: 'db.example.com', port: 5432 },
        ),
      ),
      [
        {
          field: 'spec.default.appendMatch[0].port',
          reason: 'is required for a domain: the sidecar resolves the domain to pin the destination',
        },
        { field: 'spec.default.appendMatch[1].protocol', reason: 'tcp is not supported for a domain' },
      ],
    );
  });

  it('rejects a partial wildcard and an invalid domain name', () => {
    expectIssues(
      passthrough(
        matching(
          { type: 'Domain', value: '*example.com', port: 443, protocol: 'tls' },
          { type: 'Domain', value: 'bad_-.com.', port: 443, protocol: 'tls' },
        ),
      ),
      [
        {
          field: 'spec.default.appendMatch[0].value',
          reason: 'partial wildcards are not supported; use *.example.com',
        },
        { field: 'spec.default.appendMatch[1].value', reason: 'must be a valid domain name' },
      ],
    );
  });

  it('rejects a wildcard domain on every port with an L7 protocol', () => {
    expectIssues(passthrough(matching({ type: 'Domain', value: '*.example.com', protocol: 'http' })), [
      { field: 'spec.default.appendMatch[0].port', reason: 'is required for a wildcard domain with protocol http' },
    ]);
  });

  it('rejects the same value twice for one port and protocol', () => {
    const entry = { type: 'Domain', value: 'google.com', port: 443, protocol: 'tls' };
    expectIssues(passthrough(matching(entry, entry)), [
      {
        field: 'spec.default.appendMatch[1].value',
        reason: 'google.com is already matched for port 443 and protocol tls',
      },
    ]);
  });

  it('rejects mysql without a port', () => {
    expectIssues(passthrough(matching({ type: 'IP', value: '10.0.0.5', protocol: 'mysql' })), [
      { field: 'spec.default.appendMatch[0].port', reason: 'is required for protocol mysql' },
    ]);
  });

  it('rejects an unknown match type, mode, protocol and an out-of-range port', () => {
    const spec = {
      default: { passthroughMode: 'Some', appendMatch: [{ type: 'Host', value: 'a.com', port: 0, protocol: 'udp' }] },
    };
    expectIssues(passthrough(spec), [
      { field: 'spec.default.passthroughMode', reason: 'must be one of: All, Matched, None' },
      { field: 'spec.default.appendMatch[0].type', reason: 'must be one of: Domain, IP, CIDR' },
      { field: 'spec.default.appendMatch[0].port', reason: 'must be a port between 1 and 65535' },
      { field: 'spec.default.appendMatch[0].protocol', reason: 'must be one of: tcp, tls, grpc, http, http2, mysql' },
    ]);
  });

  it('rejects a top-level targetRef that selects services rather than proxies', () => {
    expectIssues(
      passthrough({ targetRef: { kind: 'MeshService', name: 'web' }, default: { passthroughMode: 'All' } }),
      [{ field: 'spec.targetRef.kind', reason: 'must be one of: Mesh, MeshSubset, Dataplane' }],
    );
  });
});
