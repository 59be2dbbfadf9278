import { describe, it } from 'node:test';
import { expectAccepted, expectRefusedAt } from './testing.js';

const gateway = (fields: Record<string, unknown>) => ({
  type: 'MeshGateway',
  mesh: 'default',
  name: 'edge',
  ...fields,
});
const selectors = [{ match: { 'kuma.io/service': 'edge-gateway' } }];

describe('MeshGateway', () => {
  it('accepts the documented example: HTTP and HTTPS listeners with a terminated certificate', () => {
    expectAccepted(
      gateway({
        selectors,
        conf: {
          listeners: [
            { port: 8080, protocol: 'HTTP', hostname: 'foo.example.com', tags: { port: 'http-8080' } },
            {
              port: 8443,
              protocol: 'HTTPS',
              hostname: '*.example.com',
              tls: { mode: 'TERMINATE', certificates: [{ secret: 'example-cert' }] },
            },
          ],
        },
      }),
    );
  });

  it('refuses a gateway without selectors or listeners', () => {
    expectRefusedAt(gateway({ selectors: [], conf: { listeners: [] } }), ['selectors', 'conf.listeners']);
    expectRefusedAt(gateway({ selectors: [{ match: {} }], conf: { listeners: [{ port: 80, protocol: 'HTTP' }] } }), [
      'selectors[0].match["kuma.io/service"]',
    ]);
  });

  it('refuses HTTPS without TLS, TERMINATE without a certificate, and a listener tagged with a dataplane tag', () => {
    expectRefusedAt(
      gateway({
        selectors,
        conf: {
          listeners: [
            { port: 443, protocol: 'HTTPS' },
            { port: 444, protocol: 'TLS', tls: { mode: 'TERMINATE' } },
            { port: 80, protocol: 'HTTP', tags: { 'kuma.io/service': 'x' } },
          ],
        },
      }),
      ['conf.listeners[0].tls', 'conf.listeners[1].tls.certificates', 'conf.listeners[2].tags["kuma.io/service"]'],
    );
  });

  it('refuses listeners on one port with different protocols or the same host name', () => {
    expectRefusedAt(
      gateway({
        selectors,
        conf: {
          listeners: [
            { port: 80, protocol: 'HTTP', hostname: 'a.example.com' },
            { port: 80, protocol: 'TCP', hostname: 'b.example.com' },
            { port: 90, protocol: 'HTTP', hostname: 'a.example.com' },
            { port: 90, protocol: 'HTTP', hostname: 'a.example.com' },
          ],
        },
      }),
      ['conf.listeners[0].protocol', 'conf.listeners[1].protocol', 'conf.listeners[3].hostname'],
    );
  });
});
