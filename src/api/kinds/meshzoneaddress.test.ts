import { describe, it } from 'node:test';
import { expectAccepted, expectRefusedAt } from './testing.js';

const address = (spec: unknown) => ({ type: 'MeshZoneAddress', mesh: 'default', name: 'zone-1', spec });

describe('MeshZoneAddress', () => {
  it('accepts an IP address or a host name with a port', () => {
    expectAccepted(address({ address: '192.168.0.1', port: 10001 }));
    expectAccepted(address({ address: 'ingress.zone-1.example.com', port: 443 }));
  });

  it('refuses a missing port and an address that is neither', () => {
    expectRefusedAt(address({ address: '10.0.0.1' }), ['spec.port']);
    expectRefusedAt(address({ address: 'a b', port: 1 }), ['spec.address']);
  });
});
