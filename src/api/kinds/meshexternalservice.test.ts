import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MeshExternalServiceKind } from './meshexternalservice.js';
import { expectAccepted, expectRefusedAt } from './testing.js';

const mes = (spec: unknown, name = 'httpbin') => ({ type: 'MeshExternalService', mesh: 'default', name, spec });

// The example of Kuma's MeshExternalService documentation.
const documented = {
  match: { type: 'HostnameGenerator', port: 80, protocol: 'http' },
  endpoints: [{ address: 'httpbin.org', port: 80 }],
  tls: {
    enabled: true,
    version: { min: 'TLS12', max: 'TLS13' },
    allowRenegotiation: false,
    verification: {
      mode: 'SkipCA',
      serverName: 'httpbin.org',
      subjectAltNames: [
        { type: 'Exact', value: 'httpbin.org' },
        { type: 'Prefix', value: 'httpbin' },
      ],
      caCert: { inline: 'Y2E=' },
      clientCert: { secret: 'client-cert' },
      clientKey: { secret: 'client-key' },
    },
  },
};

describe('MeshExternalService', () => {
  it('accepts the documented example and a bare TCP service', () => {
    expectAccepted(mes(documented));
    expectAccepted(mes({ match: { port: 4242 }, endpoints: [{ address: '10.0.0.1', port: 4242, priority: 1 }] }));
  });

  it('refuses a port out of range, an unknown protocol and a match without a port', () => {
    expectRefusedAt(mes({ match: { port: 70000, protocol: 'kafka' } }), ['spec.match.port', 'spec.match.protocol']);
    expectRefusedAt(mes({ match: {} }), ['spec.match.port']);
  });

  it('refuses an endpoint that is neither an IP address nor a host name', () => {
    const [issue] = expectRefusedAt(mes({ match: { port: 80 }, endpoints: [{ address: 'not a host', port: 80 }] }), [
      'spec.endpoints[0].address',
    ]);
    assert.match(issue!.reason, /IP address or a host name/);
  });

  it('refuses a client certificate without its key, and min above max', () => {
    expectRefusedAt(
      mes({
        match: { port: 443 },
        tls: { version: { min: 'TLS13', max: 'TLS12' }, verification: { clientCert: { secret: 'c' } } },
      }),
      ['spec.tls.version.min', 'spec.tls.verification.clientKey'],
    );
  });

  it('leaves endpoints and TLS to an extension when there is one', () => {
    expectAccepted(mes({ match: { port: 80 }, extension: { type: 'Lambda' }, endpoints: [{ address: '%', port: 1 }] }));
    expectRefusedAt(mes({ match: { port: 80 }, extension: { type: '' } }), ['spec.extension.type']);
  });

  it('shows one SNI per port and warns of a name that is not a DNS label', () => {
    const resource = (name: string) => ({
      mesh: 'default',
      name,
      labels: { 'kuma.io/zone': 'zone-1' },
      spec: { match: { port: 80 } },
    });
    assert.deepEqual(MeshExternalServiceKind.computed!(resource('web')), {
      snis: [{ port: 80, sni: 'sni.extsvc.default.zone-1.web.80' }],
    });
    assert.deepEqual(MeshExternalServiceKind.warnings!(resource('web')), []);
    const warnings = MeshExternalServiceKind.warnings!(resource('web.v1'));
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /^Invalid MeshExternalService resource name: 'web.v1'/);
    assert.match(warnings[1]!, /SNI \(port "80"\): name "web.v1" does not conform to RFC 1123: must not contain dots/);
  });
});
